namespace LocalKube.Node.Client.Informers;

/// <summary>An <see cref="IResourceEventHandler{T}"/> from delegates; missing ones ignore their notification.</summary>
public sealed class ResourceEventHandler<T>(
    Action<T, bool>? onAdd = null,
    Action<T, T>? onUpdate = null,
    Action<T, bool>? onDelete = null) : IResourceEventHandler<T>
    where T : class
{
    /// <summary>One delegate for every notification: the object (the new one for updates).</summary>
    public static ResourceEventHandler<T> ForAll(Action<T> onAny)
    {
        ArgumentNullException.ThrowIfNull(onAny);
        return new ResourceEventHandler<T>((o, _) => onAny(o), (_, n) => onAny(n), (o, _) => onAny(o));
    }

    /// <inheritdoc />
    public void OnAdd(T obj, bool isInInitialList) => onAdd?.Invoke(obj, isInInitialList);

    /// <inheritdoc />
    public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

    /// <inheritdoc />
    public void OnDelete(T obj, bool finalStateUnknown) => onDelete?.Invoke(obj, finalStateUnknown);
}
