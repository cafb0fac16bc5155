using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Queue;

/// <summary>A pod in the scheduling queue, with its attempt history (kube-scheduler <c>QueuedPodInfo</c>).</summary>
public sealed class QueuedPodInfo
{
    internal QueuedPodInfo(PodInfo pod, DateTimeOffset now, long sequence)
    {
        Pod = pod;
        Timestamp = now;
        Sequence = sequence;
    }

    /// <summary>The pod, as last seen.</summary>
    public PodInfo Pod { get; internal set; }

    /// <summary>When it was (re-)added to the queue: the queue order's tie-breaker and the backoff's start.</summary>
    public DateTimeOffset Timestamp { get; internal set; }

    /// <summary>When it was first popped.</summary>
    public DateTimeOffset? InitialAttemptTimestamp { get; internal set; }

    /// <summary>How many times it has been popped.</summary>
    public int Attempts { get; internal set; }

    /// <summary>The plugins that rejected it last time (their events can move it back).</summary>
    public IReadOnlySet<string> UnschedulablePlugins { get; internal set; } = new HashSet<string>();

    /// <summary>Whether it waits for its scheduling gates to be removed.</summary>
    public bool Gated { get; internal set; }

    internal long Sequence { get; set; }

    internal ClusterEvents EventsWhileInFlight { get; set; }

    internal DateTimeOffset BackoffExpiry { get; set; }
}
