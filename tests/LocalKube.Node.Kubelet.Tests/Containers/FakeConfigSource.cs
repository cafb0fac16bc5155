using LocalKube.Node.Kubelet.Containers;

namespace LocalKube.Node.Kubelet.Tests.Containers;

/// <summary>ConfigMaps, Secrets and Services held in memory.</summary>
internal sealed class FakeConfigSource : IConfigSource
{
    public Dictionary<string, V1ConfigMap> ConfigMaps { get; } = [];

    public Dictionary<string, V1Secret> Secrets { get; } = [];

    public List<V1Service> Services { get; } = [];

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ConfigMaps.TryGetValue($"{ns}/{name}", out var cm) ? cm : null);

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Secrets.TryGetValue($"{ns}/{name}", out var s) ? s : null);

    public Task<IReadOnlyList<V1Service>> ListServicesAsync(string ns, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<V1Service>>(Services.Where(s => s.Metadata.NamespaceProperty == ns || s.Metadata.NamespaceProperty == "default").ToList());

    public static V1Service Service(string ns, string name, string clusterIp, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Ports = ports },
    };
}
