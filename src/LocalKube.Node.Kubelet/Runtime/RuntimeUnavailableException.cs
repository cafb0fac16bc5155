namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The engine does not answer (socket missing, connection refused, daemon restarting).</summary>
public sealed class RuntimeUnavailableException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public RuntimeUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
