using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The objects of one small cluster-scoped kind (PriorityClasses, StorageClasses) as admission reads them: listed
/// at most once a second, so a new object is seen within a second, as an informer-backed admission plugin would.
/// </summary>
internal sealed class CachedList<T>(TimeProvider time)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<T> _items = [];
    private DateTimeOffset _listed = DateTimeOffset.MinValue;

    /// <summary>The objects of <paramref name="resource"/>, at most a second old.</summary>
    public async Task<IReadOnlyList<T>> GetAsync(ResourceStore store, RestResource resource, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _listed < MaxAge)
        {
            return _items;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _listed >= MaxAge)
            {
                var list = await store.ListAsync(resource, null, new ListOptions(), cancellationToken);
                _items = list.Items.Select(i => (T)i.Object).ToList();
                _listed = time.GetUtcNow();
            }

            return _items;
        }
        finally
        {
            _gate.Release();
        }
    }
}
