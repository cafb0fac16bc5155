namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The runtime refused an operation; the message is the engine's own words.</summary>
public class ContainerRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerRuntimeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ContainerRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ContainerRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
