using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Resources;

/// <summary>
/// Optional companion of <see cref="IResourceStrategy"/> for kinds whose descriptor declares a <c>scale</c>
/// subresource (deployments, replicasets, statefulsets, replicationcontrollers): maps the object to and from an
/// <c>autoscaling/v1 Scale</c>. Implement it on the same class as the strategy.
/// </summary>
public interface IScaleStrategy
{
    /// <summary><c>spec.replicas</c> (with the kind's default when unset).</summary>
    int SpecReplicas(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>Sets <c>spec.replicas</c> in place (a <c>/scale</c> write).</summary>
    void SetSpecReplicas(IKubernetesObject<V1ObjectMeta> obj, int replicas);

    /// <summary><c>status.replicas</c>.</summary>
    int StatusReplicas(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>The label selector as a string (<c>app=web</c>), as <c>Scale.status.selector</c> carries it.</summary>
    string? Selector(IKubernetesObject<V1ObjectMeta> obj);
}
