namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// A container cannot be configured (a missing ConfigMap, Secret or key, runAsNonRoot violated...): the container
/// waits with reason <c>CreateContainerConfigError</c> and this message, as upstream.
/// </summary>
public sealed class ContainerConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerConfigException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ContainerConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ContainerConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
