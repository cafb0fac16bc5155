using System.Collections.Concurrent;

namespace LocalKube.Node.Client.Queue;

/// <summary>
/// Per-item exponential backoff (client-go's <c>ItemExponentialFailureRateLimiter</c>): the n-th failure of an item
/// waits <c>base × 2^(n-1)</c>, at most <c>max</c>. Controllers default to 5 ms up to 1000 s, as upstream.
/// </summary>
public sealed class ExponentialBackoff<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T>
    where T : notnull
{
    private readonly ConcurrentDictionary<T, int> _failures = new();

    /// <summary>Upstream's controller default: 5 ms doubling up to 1000 s.</summary>
    public static ExponentialBackoff<T> ControllerDefault() => new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

    /// <inheritdoc />
    public TimeSpan When(T item)
    {
        var failures = _failures.AddOrUpdate(item, 1, (_, n) => n + 1);
        var exponent = Math.Min(failures - 1, 62);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <inheritdoc />
    public void Forget(T item) => _failures.TryRemove(item, out _);

    /// <inheritdoc />
    public int NumRequeues(T item) => _failures.GetValueOrDefault(item);
}
