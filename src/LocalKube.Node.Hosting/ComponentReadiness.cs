using System.Collections.Concurrent;

namespace LocalKube.Node.Hosting;

/// <summary>
/// <see cref="IComponentReadiness"/> over one <see cref="TaskCompletionSource"/> per registered component
/// (the k3s readiness channels, as tasks).
/// </summary>
public sealed class ComponentReadiness : IComponentReadiness
{
    private readonly NodeComponent[] _order;
    private readonly ConcurrentDictionary<NodeComponent, Gate> _gates = new();

    /// <summary>Creates the gates for <paramref name="registrations"/>; duplicates are ignored.</summary>
    public ComponentReadiness(IEnumerable<NodeComponentRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _order = registrations.Select(r => r.Component).Distinct().ToArray();
        foreach (var component in _order)
        {
            _gates[component] = new Gate();
        }
    }

    /// <inheritdoc />
    public async Task WhenReady(NodeComponent component, CancellationToken cancellationToken)
    {
        var gate = GetGate(component);
        try
        {
            await gate.Completion.Task.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not DependencyFailedException)
        {
            throw new DependencyFailedException(component, e);
        }
    }

    /// <inheritdoc />
    public void MarkReady(NodeComponent component) => GetGate(component).Completion.TrySetResult();

    /// <inheritdoc />
    public void MarkFailed(NodeComponent component, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var gate = GetGate(component);
        gate.Error = exception.Message;

        // A component can fail after it was ready (e.g. Kestrel dies): the task is then already complete, so the
        // flag, not the task, is the source of truth for the snapshot.
        gate.Failed = true;
        if (gate.Completion.TrySetException(exception))
        {
            // Nobody may ever await this gate; reading Exception marks it observed so the runtime does not report
            // an UnobservedTaskException later.
            _ = gate.Completion.Task.Exception;
        }
    }

    /// <inheritdoc />
    public void MarkRefused(NodeComponent component, ComponentRefusedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var gate = GetGate(component);
        gate.Refused = true;
        MarkFailed(component, exception);
    }

    /// <inheritdoc />
    public IReadOnlyList<ComponentStatus> Snapshot()
    {
        var result = new ComponentStatus[_order.Length];
        for (var i = 0; i < _order.Length; i++)
        {
            var gate = _gates[_order[i]];
            var state = gate.Refused ? ComponentState.Refused
                : gate.Failed ? ComponentState.Failed
                : gate.Completion.Task.IsCompletedSuccessfully ? ComponentState.Ready
                : ComponentState.Pending;
            result[i] = new ComponentStatus(_order[i], state, gate.Failed ? gate.Error : null);
        }

        return result;
    }

    private Gate GetGate(NodeComponent component) =>
        _gates.TryGetValue(component, out var gate)
            ? gate
            : throw new InvalidOperationException($"component '{component}' is not registered in this agent (disabled?)");

    private sealed class Gate
    {
        // RunContinuationsAsynchronously: waiters must not run inline on the thread that marks the gate.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Failed;

        public volatile bool Refused;

        public volatile string? Error;
    }
}
