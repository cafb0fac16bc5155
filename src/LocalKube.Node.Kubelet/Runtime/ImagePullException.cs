namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A pull failed; the message is the registry's (or resolver's) error, shown in ErrImagePull.</summary>
public sealed class ImagePullException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ImagePullException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ImagePullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ImagePullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
