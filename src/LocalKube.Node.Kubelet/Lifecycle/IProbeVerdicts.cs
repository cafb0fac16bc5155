namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>The prober's liveness and startup results by container ID (null: not run yet).</summary>
public interface IProbeVerdicts
{
    /// <summary>Liveness: true passed, false failed, null unknown.</summary>
    bool? Liveness(string containerId);

    /// <summary>Startup: true passed, false failed, null unknown.</summary>
    bool? Startup(string containerId);
}
