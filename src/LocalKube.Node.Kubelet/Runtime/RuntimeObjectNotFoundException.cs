namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The sandbox, container or image does not exist (any more).</summary>
public sealed class RuntimeObjectNotFoundException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public RuntimeObjectNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeObjectNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
