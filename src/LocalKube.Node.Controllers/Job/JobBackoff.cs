using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// A Job's pod-failure backoff (<c>backoffRecord</c>): failures since the last success and when the last one
/// was. Kept in memory by the controller, as upstream's backoff store.
/// </summary>
/// <param name="FailuresAfterLastSuccess">Consecutive failures.</param>
/// <param name="LastFailureTime">When the last of them finished.</param>
public sealed record JobBackoff(int FailuresAfterLastSuccess, DateTime? LastFailureTime)
{
    /// <summary>The first delay.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <summary>The cap (10 min in code; some docs say 6).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>No failures.</summary>
    public static JobBackoff None { get; } = new(0, null);

    /// <summary><c>newBackoffRecord</c>: the record after these newly finished pods.</summary>
    public JobBackoff Next(IReadOnlyList<V1Pod> newSucceeded, IReadOnlyList<V1Pod> newFailed)
    {
        var succeeded = newSucceeded.Select(JobPods.FinishedTime).Order().ToList();
        var failed = newFailed.Select(JobPods.FinishedTime).Order().ToList();
        if (succeeded.Count == 0)
        {
            return failed.Count == 0 ? this : new JobBackoff(FailuresAfterLastSuccess + failed.Count, failed[^1]);
        }

        var lastSuccess = succeeded[^1];
        var count = 0;
        DateTime? last = null;
        for (var i = failed.Count - 1; i >= 0 && failed[i] > lastSuccess; i--)
        {
            last ??= failed[i];
            count++;
        }

        return new JobBackoff(count, last);
    }

    /// <summary>Time left before the next pod may be created: 10 s × 2^(failures−1), at most 10 min.</summary>
    public TimeSpan Remaining(DateTime now) => RemainingFor(FailuresAfterLastSuccess, LastFailureTime, now);

    /// <summary>The delay for a failure count, from its last failure.</summary>
    public static TimeSpan RemainingFor(int failures, DateTime? lastFailure, DateTime now)
    {
        if (failures == 0 || lastFailure is null)
        {
            return TimeSpan.Zero;
        }

        var delay = Default;
        for (var i = 1; i < failures; i++)
        {
            delay *= 2;
            if (delay >= Max)
            {
                delay = Max;
                break;
            }
        }

        var elapsed = now - lastFailure.Value;
        return delay < elapsed ? TimeSpan.Zero : delay - elapsed;
    }
}
