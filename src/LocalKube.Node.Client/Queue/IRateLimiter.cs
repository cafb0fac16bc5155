namespace LocalKube.Node.Client.Queue;

/// <summary>How long an item waits before its next try (client-go's <c>workqueue.RateLimiter</c>).</summary>
public interface IRateLimiter<in T>
    where T : notnull
{
    /// <summary>The delay before <paramref name="item"/>'s next try; counts a failure.</summary>
    TimeSpan When(T item);

    /// <summary>Forgets <paramref name="item"/>'s failures (it succeeded).</summary>
    void Forget(T item);

    /// <summary>How many failures of <paramref name="item"/> are counted.</summary>
    int NumRequeues(T item);
}
