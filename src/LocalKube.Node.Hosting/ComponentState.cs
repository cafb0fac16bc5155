namespace LocalKube.Node.Hosting;

/// <summary>Where a component is in its life, as reported by <see cref="IComponentReadiness"/>.</summary>
public enum ComponentState
{
    /// <summary>Registered; waiting for its dependencies or still starting.</summary>
    Pending,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>Failed; the agent is stopping.</summary>
    Failed,
}
