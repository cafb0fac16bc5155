using System.Collections.Concurrent;
using LocalKube.Node.Kubelet.Probes;

namespace LocalKube.Node.Kubelet.Tests.Core;

/// <summary>An in-memory API for the kubelet core: pods by namespace/name, statuses as patched, events as recorded.</summary>
internal sealed class FakeKubeletApi : IKubeletApi, IKubeletEventSink
{
    public ConcurrentDictionary<string, V1Pod> Pods { get; } = new();

    public ConcurrentDictionary<string, V1ConfigMap> ConfigMaps { get; } = new();

    public ConcurrentDictionary<string, V1Secret> Secrets { get; } = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    public ConcurrentQueue<(string Pod, string? Container, string Type, string Reason, string Message)> Events { get; } = new();

    public int StatusPatches;

    public Action<V1Pod>? OnCreate { get; set; }

    public Action<V1Pod>? OnDelete { get; set; }

    public Task<V1Pod?> PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref StatusPatches);
        var key = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        if (!Pods.TryGetValue(key, out var stored) || stored.Metadata.Uid != pod.Metadata.Uid)
        {
            return Task.FromResult<V1Pod?>(null);
        }

        var copy = Clone(stored);
        copy.Status = Clone(status);
        Pods[key] = copy;
        return Task.FromResult<V1Pod?>(copy);
    }

    public Task<bool> DeletePodAsync(string ns, string name, string uid, CancellationToken cancellationToken)
    {
        var key = $"{ns}/{name}";
        if (Pods.TryGetValue(key, out var stored) && stored.Metadata.Uid == uid && Pods.TryRemove(key, out _))
        {
            Deleted.Enqueue(key);
            OnDelete?.Invoke(stored);
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public Task<V1Pod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Pods.TryGetValue($"{ns}/{name}", out var p) ? Clone(p) : null);

    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var copy = Clone(pod);
        copy.Metadata.Uid = Guid.NewGuid().ToString();
        copy.Metadata.CreationTimestamp = DateTime.UtcNow;
        Pods[$"{copy.Metadata.NamespaceProperty}/{copy.Metadata.Name}"] = copy;
        OnCreate?.Invoke(copy);
        return Task.FromResult(copy);
    }

    public Task<V1PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult<V1PersistentVolumeClaim?>(null);

    public Task<V1PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<V1PersistentVolume?>(null);

    public Task<Authenticationv1TokenRequest> CreateTokenAsync(string ns, string serviceAccount, Authenticationv1TokenRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new Authenticationv1TokenRequest
        {
            Spec = request.Spec,
            Status = new V1TokenRequestStatus { Token = "token-" + serviceAccount, ExpirationTimestamp = DateTime.UtcNow.AddHours(1) },
        });

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ConfigMaps.TryGetValue($"{ns}/{name}", out var c) ? c : null);

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Secrets.TryGetValue($"{ns}/{name}", out var s) ? s : null);

    public Task<IReadOnlyList<V1Service>> ListServicesAsync(string ns, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<V1Service>>([]);

    public void Record(V1Pod pod, string? container, string type, string reason, string message) =>
        Events.Enqueue((pod.Metadata.Name, container, type, reason, message));

    public V1Pod Add(V1Pod pod)
    {
        pod.Metadata.Uid ??= Guid.NewGuid().ToString();
        pod.Metadata.NamespaceProperty ??= "default";
        pod.Metadata.CreationTimestamp ??= DateTime.UtcNow;
        pod.Status ??= new V1PodStatus { Phase = "Pending" };
        Pods[$"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}"] = pod;
        return Clone(pod);
    }

    public V1Pod? Get(string name, string ns = "default") => Pods.TryGetValue($"{ns}/{name}", out var p) ? p : null;

    private static T Clone<T>(T value) => k8s.KubernetesJson.Deserialize<T>(k8s.KubernetesJson.Serialize(value));
}
