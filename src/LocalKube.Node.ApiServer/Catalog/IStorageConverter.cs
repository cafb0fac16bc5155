using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>
/// Optional: a strategy whose objects are stored in another version's shape, as upstream stores one version per
/// resource (events.k8s.io/v1 events as core/v1 events, autoscaling/v1 HPAs as autoscaling/v2). The machinery
/// converts on the way into and out of storage when a strategy implements it.
/// </summary>
public interface IStorageConverter
{
    /// <summary>The model type of the stored shape, e.g. <c>typeof(Corev1Event)</c>.</summary>
    Type StorageType { get; }

    /// <summary>Converts a served object to its stored shape.</summary>
    IKubernetesObject<V1ObjectMeta> ToStorage(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>Converts a stored object to the served shape.</summary>
    IKubernetesObject<V1ObjectMeta> FromStorage(IKubernetesObject<V1ObjectMeta> stored);
}
