namespace LocalKube.Node.Kubelet.Status;

/// <summary>What the prober knows about a container instance (upstream's startup and readiness result managers).</summary>
public interface IProbeStatus
{
    /// <summary>The startup probe's result for the container ID: true passed, false failed, null not yet known.</summary>
    bool? Startup(string containerId);

    /// <summary>The readiness probe's result for the container ID: true passed, false failed, null not yet known.</summary>
    bool? Readiness(string containerId);
}
