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

    /// <summary>
    /// Not started, for a reason the user can fix (<see cref="ComponentRefusedException"/>, e.g. a missing client
    /// certificate); the rest of the agent keeps running, not ready.
    /// </summary>
    Refused,
}
