using System.Threading.Channels;

namespace LocalKube.Node.Kubelet.Runtime.Simulated;

/// <summary>One simulated container's mutable state (guarded by the runtime's lock).</summary>
internal sealed class SimulatedContainer
{
    public required string Id { get; init; }

    public required string SandboxId { get; init; }

    public required ContainerConfig Config { get; init; }

    public required PodSandboxMetadata Pod { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public ContainerState State { get; set; } = ContainerState.Created;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int ExitCode { get; set; }

    /// <summary>Fires the container's own exit (run-duration) or its periodic log lines.</summary>
    public ITimer? Timer { get; set; }

    public List<LogRecord> Log { get; } = [];

    /// <summary>Followers of the log, completed when the container exits.</summary>
    public List<ChannelWriter<LogRecord>> Followers { get; } = [];
}
