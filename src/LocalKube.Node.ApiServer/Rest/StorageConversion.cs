using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// The seam for resources served in one version and stored in another (<see cref="IStorageConverter"/>), as upstream
/// keeps one storage version per resource: values are written in the storage shape under the shared key prefix, and
/// everything read (get, list, watch, the current state of updates, patches and deletes) is converted to the served
/// shape first, so the rest of the machinery only ever sees served objects.
/// </summary>
internal static class StorageConversion
{
    /// <summary>
    /// Decodes a stored value into the served shape. <see cref="StoredObject.Raw"/> is then the served JSON (what
    /// responses and patches start from) and <see cref="StoredObject.Stored"/> the value as stored (what an update
    /// compares with to skip a no-op write).
    /// </summary>
    public static StoredObject Decode(IStorageConverter converter, KeyValue kv)
    {
        var stored = ObjectCodec.ToObject(kv.Value.Span, converter.StorageType);
        stored.Metadata ??= new V1ObjectMeta();
        stored.Metadata.ResourceVersion = null;
        var served = converter.FromStorage(stored);
        served.Metadata ??= new V1ObjectMeta();
        served.Metadata.ResourceVersion = null;
        var raw = ObjectCodec.ToBytes(served);
        served.Metadata.ResourceVersion = kv.ModRevision.ToString(CultureInfo.InvariantCulture);
        return new StoredObject(served, raw, kv.ModRevision) { Stored = kv.Value.Memory };
    }

    /// <summary>Encodes a served object in the storage shape (without resourceVersion), enforcing the size limit.</summary>
    public static byte[] Encode(IStorageConverter converter, IKubernetesObject<V1ObjectMeta> obj)
    {
        var rv = obj.Metadata.ResourceVersion;
        obj.Metadata.ResourceVersion = null;
        try
        {
            var stored = converter.ToStorage(obj);
            stored.Metadata ??= new V1ObjectMeta();
            stored.Metadata.ResourceVersion = null;
            return ResourceStore.Encode(stored);
        }
        finally
        {
            obj.Metadata.ResourceVersion = rv;
        }
    }
}
