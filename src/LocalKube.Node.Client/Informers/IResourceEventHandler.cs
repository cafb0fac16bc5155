namespace LocalKube.Node.Client.Informers;

/// <summary>
/// Receives an informer's notifications, in order, one at a time per handler (client-go's
/// <c>ResourceEventHandler</c>). Keep handlers quick: enqueue a key and return. A handler that throws is retried
/// with backoff (the error is logged with the object's key); the informer goes on.
/// </summary>
public interface IResourceEventHandler<in T>
    where T : class
{
    /// <summary>An object appeared; <paramref name="isInInitialList"/> when it came with the first list.</summary>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>An object changed (or, on a resync, is delivered again with <paramref name="oldObj"/> == <paramref name="newObj"/>).</summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>
    /// An object is gone. <paramref name="finalStateUnknown"/> is the tombstone case: the delete itself was missed
    /// (e.g. it happened while the watch was down and a relist found the object gone), so <paramref name="obj"/> is
    /// the last state the cache knew, not the final one.
    /// </summary>
    void OnDelete(T obj, bool finalStateUnknown);
}
