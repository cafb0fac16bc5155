using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>
/// Optional: a strategy that, like upstream's REST layer, carries values from the stored object into an update
/// before defaulting and validation (e.g. a service's allocated clusterIP and nodePorts, which clients omit
/// when they replace the object). The machinery calls it when a strategy implements it.
/// </summary>
public interface IUpdatePreparer
{
    /// <summary>Copies what the update may omit from <paramref name="old"/> into <paramref name="obj"/>, in place.</summary>
    void PrepareForUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old);
}
