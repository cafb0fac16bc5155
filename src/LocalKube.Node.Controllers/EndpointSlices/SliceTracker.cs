using System.Collections.Concurrent;
using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.EndpointSlices;

/// <summary>
/// What the controller last wrote to each slice (upstream's <c>EndpointSliceTracker</c>): until the informer shows at
/// least that resourceVersion (or the slice gone), the cache is stale for that Service, and syncing it could create
/// a duplicate slice.
/// </summary>
internal sealed class SliceTracker
{
    private const long Deleted = -1;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _byService = new(StringComparer.Ordinal);

    /// <summary>Records a slice this controller created or updated.</summary>
    public void Written(string service, V1EndpointSlice slice) =>
        For(service)[slice.Metadata.Name] = long.TryParse(slice.Metadata.ResourceVersion, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    /// <summary>Records a slice this controller deleted.</summary>
    public void Removed(string service, V1EndpointSlice slice) => For(service)[slice.Metadata.Name] = Deleted;

    /// <summary>Whether the cached <paramref name="slices"/> of <paramref name="service"/> are behind this controller's writes.</summary>
    public bool IsStale(string service, IReadOnlyList<V1EndpointSlice> slices)
    {
        if (!_byService.TryGetValue(service, out var expected))
        {
            return false;
        }

        foreach (var (name, rv) in expected)
        {
            var cached = slices.FirstOrDefault(s => s.Metadata.Name == name);
            if (rv == Deleted ? cached is not null : cached is null || Rv(cached) < rv)
            {
                return true;
            }
        }

        // Caught up: forget until the next write.
        _byService.TryRemove(service, out _);
        return false;
    }

    /// <summary>Forgets a deleted Service.</summary>
    public void Forget(string service) => _byService.TryRemove(service, out _);

    private static long Rv(V1EndpointSlice slice) =>
        long.TryParse(slice.Metadata.ResourceVersion, NumberStyles.Integer, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    private ConcurrentDictionary<string, long> For(string service) => _byService.GetOrAdd(service, _ => new(StringComparer.Ordinal));
}
