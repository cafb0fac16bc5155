namespace LocalKube.Node.Client.Controllers;

/// <summary>What a reconcile asks for next (controller-runtime's <c>Result</c>).</summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(bool requeue, TimeSpan? after)
    {
        Requeue = requeue;
        After = after;
    }

    /// <summary>Nothing more to do until the key is queued again; its backoff is reset.</summary>
    public static ReconcileResult Done { get; } = new(false, null);

    /// <summary>Try again after the key's backoff (which grows with each such answer).</summary>
    public static ReconcileResult RequeueWithBackoff { get; } = new(true, null);

    /// <summary>Whether the key is queued again.</summary>
    public bool Requeue { get; }

    /// <summary>The fixed delay before the next try, when one was asked for.</summary>
    public TimeSpan? After { get; }

    /// <summary>Try again after <paramref name="delay"/> (e.g. a deadline); the backoff is reset.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay) => new(true, delay);
}
