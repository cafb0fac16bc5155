using k8s.Models;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>The API objects a pod's environment and volumes draw from (the kubelet's ConfigMap/Secret/Service managers).</summary>
public interface IConfigSource
{
    /// <summary>The ConfigMap, or null when it does not exist.</summary>
    Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The Secret, or null when it does not exist.</summary>
    Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The Services of <paramref name="ns"/> and of <c>default</c> (for the <c>kubernetes</c> service).</summary>
    Task<IReadOnlyList<V1Service>> ListServicesAsync(string ns, CancellationToken cancellationToken);
}
