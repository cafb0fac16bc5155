using System.Collections.Concurrent;

namespace LocalKube.Node.Kubelet.Api;

/// <summary>
/// Shares one read of an object among the syncs that ask for it within <paramref name="window"/>. Every pod sync
/// reads its ConfigMaps and Secrets again (that is how their updates reach the files), so a burst of pods that all
/// mount the same object (each pod's <c>kube-root-ca.crt</c>) cost one GET per pod per sync; now it costs one per
/// window. A missing object or a failed read is not kept: the next sync asks the API server again, so a pod waiting
/// for an object sees it as soon as it exists.
/// </summary>
internal sealed class RecentReads<T>(TimeProvider time, TimeSpan window)
    where T : class
{
    private const int PruneAbove = 1024;
    private readonly ConcurrentDictionary<(string Ns, string Name), (DateTimeOffset At, Task<T?> Read)> _reads = new();

    public async Task<T?> GetAsync(string ns, string name, Func<Task<T?>> read)
    {
        var key = (ns, name);
        var now = time.GetUtcNow();
        if (_reads.TryGetValue(key, out var recent) && now - recent.At < window)
        {
            try
            {
                if (await recent.Read.ConfigureAwait(false) is { } shared)
                {
                    return shared;
                }
            }
            catch (Exception)
            {
                // The other caller's read failed (or was cancelled with its pod): read for this caller below.
            }
        }

        var task = read();
        _reads[key] = (now, task);
        Prune(now);
        try
        {
            var value = await task.ConfigureAwait(false);
            if (value is null)
            {
                _reads.TryRemove(new KeyValuePair<(string, string), (DateTimeOffset, Task<T?>)>(key, (now, task)));
            }

            return value;
        }
        catch
        {
            _reads.TryRemove(new KeyValuePair<(string, string), (DateTimeOffset, Task<T?>)>(key, (now, task)));
            throw;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_reads.Count <= PruneAbove)
        {
            return;
        }

        foreach (var (key, entry) in _reads)
        {
            if (now - entry.At >= window)
            {
                _reads.TryRemove(new KeyValuePair<(string, string), (DateTimeOffset, Task<T?>)>(key, entry));
            }
        }
    }
}
