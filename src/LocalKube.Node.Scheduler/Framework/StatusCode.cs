namespace LocalKube.Node.Scheduler.Framework;

/// <summary>The outcome kinds of a plugin call (kube-scheduler <c>framework.Code</c>).</summary>
public enum StatusCode
{
    /// <summary>The pod fits (a success is usually represented by a null status).</summary>
    Success,

    /// <summary>
    /// The pod does not fit now, but removing pods from the node could change that: preemption may help.
    /// </summary>
    Unschedulable,

    /// <summary>The pod does not fit and preemption cannot change that (taints, affinity, a missing claim).</summary>
    UnschedulableAndUnresolvable,

    /// <summary>An internal error: the scheduling attempt is aborted and retried with backoff.</summary>
    Error,
}
