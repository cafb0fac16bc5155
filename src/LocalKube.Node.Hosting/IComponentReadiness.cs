namespace LocalKube.Node.Hosting;

/// <summary>
/// Readiness gates between node components: a component awaits its dependencies' gates before it starts, and
/// opens its own once it serves. Only registered components have gates, so waiting on a disabled one fails fast
/// instead of hanging forever.
/// </summary>
public interface IComponentReadiness
{
    /// <summary>Completes when <paramref name="component"/> is ready.</summary>
    /// <exception cref="DependencyFailedException">The component failed.</exception>
    /// <exception cref="InvalidOperationException">The component is not registered (disabled or unknown).</exception>
    Task WhenReady(NodeComponent component, CancellationToken cancellationToken);

    /// <summary>Opens the gate of <paramref name="component"/>. Idempotent.</summary>
    void MarkReady(NodeComponent component);

    /// <summary>Marks <paramref name="component"/> failed; its waiters get a <see cref="DependencyFailedException"/>.</summary>
    void MarkFailed(NodeComponent component, Exception exception);

    /// <summary>
    /// Marks <paramref name="component"/> refused (<see cref="ComponentState.Refused"/>): it will not run, the agent
    /// goes on. Its waiters get a <see cref="DependencyFailedException"/> whose inner exception is
    /// <paramref name="exception"/>.
    /// </summary>
    void MarkRefused(NodeComponent component, ComponentRefusedException exception) => MarkFailed(component, exception);

    /// <summary>Every registered component in registration (dependency) order, with its state now.</summary>
    IReadOnlyList<ComponentStatus> Snapshot();
}
