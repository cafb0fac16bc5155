using LocalKube.Node.Client.Cache;

namespace LocalKube.Node.Client.Informers;

/// <summary>
/// A shared informer of <typeparamref name="T"/> (client-go's <c>SharedIndexInformer</c>): one list and watch
/// keeping an indexed cache, fanned out to any number of handlers.
/// </summary>
public interface ISharedInformer<T> : ISharedInformer
    where T : class
{
    /// <summary>The cache, for reads.</summary>
    ILister<T> Lister { get; }

    /// <summary>
    /// Registers <paramref name="handler"/>. If the cache already holds objects, the handler first gets an add for
    /// each. <paramref name="resyncPeriod"/> overrides the informer's default. Dispose the result to unregister.
    /// </summary>
    IDisposable AddEventHandler(IResourceEventHandler<T> handler, TimeSpan? resyncPeriod = null);

    /// <summary>Adds an index to the cache (see <see cref="Indexers"/> for the built-in ones).</summary>
    void AddIndexer(string name, Func<T, IEnumerable<string>> function);
}
