namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>What happens to a node after an attempt (upstream's <c>workQueueItemAction</c>).</summary>
public enum AttemptOutcome
{
    /// <summary>Done with it.</summary>
    Forget,

    /// <summary>Try again later, with backoff (an error, or a virtual node not observed yet).</summary>
    Requeue,
}
