namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// <c>slowStartBatch</c>: run <c>count</c> calls in batches of 1, 2, 4, ... in parallel; the first batch with an
/// error stops the rest, so a refusal (e.g. a quota) costs one call, not hundreds.
/// </summary>
public static class SlowStart
{
    /// <summary>The initial batch size upstream uses.</summary>
    public const int InitialBatchSize = 1;

    /// <summary>Runs the batches; returns the successes and the first error (null when all succeeded).</summary>
    public static async Task<(int Successes, Exception? Error)> RunAsync(int count, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var remaining = count;
        var successes = 0;
        for (var batch = Math.Min(remaining, InitialBatchSize); batch > 0; batch = Math.Min(2 * batch, remaining))
        {
            var tasks = Enumerable.Range(0, batch).Select(_ => RunOneAsync(call, cancellationToken)).ToArray();
            var errors = await Task.WhenAll(tasks);
            var failed = errors.Where(e => e is not null).ToList();
            successes += batch - failed.Count;
            if (failed.Count > 0)
            {
                return (successes, failed[0]);
            }

            remaining -= batch;
        }

        return (successes, null);
    }

    private static async Task<Exception?> RunOneAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return e;
        }
    }
}
