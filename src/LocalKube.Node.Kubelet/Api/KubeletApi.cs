using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Kubelet.Pods;

namespace LocalKube.Node.Kubelet.Api;

/// <summary>
/// <see cref="IKubeletApi"/> over the kubelet's own client (<c>system:node:&lt;node&gt;</c>): writes go to the API
/// server; Services are read from a watch cache. ConfigMaps and Secrets are read one by one as the kubelet itself
/// (upstream's Get strategy): the node authorizer lets a kubelet read only those its pods reference, so no cache of
/// all of them can exist; reads of one object within a second are shared (<see cref="RecentReads{T}"/>). Its graph
/// may lag the pod by a moment, so a refusal is retried briefly before it counts.
/// </summary>
internal sealed class KubeletApi(Kubernetes client, ILister<V1Service> services, TimeProvider time) : IKubeletApi
{
    private const int ForbiddenRetries = 10;
    private static readonly TimeSpan ForbiddenRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ShareReadsFor = TimeSpan.FromSeconds(1);
    private readonly RecentReads<V1ConfigMap> _configMaps = new(time, ShareReadsFor);
    private readonly RecentReads<V1Secret> _secrets = new(time, ShareReadsFor);

    public async Task<V1Pod?> PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        var body = StatusManager.PatchBody(pod.Metadata.Uid, status);
        try
        {
            return await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch),
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e) || KubeErrors.IsConflict(e) || KubeErrors.StatusCode(e) == 422)
        {
            // Gone, or another pod of the same name (the UID in the patch no longer matches).
            return null;
        }
    }

    public async Task<bool> DeletePodAsync(string ns, string name, string uid, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(name, ns, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = uid },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e) || KubeErrors.IsConflict(e))
        {
            return false;
        }
    }

    public Task<V1Pod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNullAsync(() => client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: cancellationToken));

    public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedPodAsync(pod, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    public Task<V1PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNullAsync(() => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns, cancellationToken: cancellationToken));

    public Task<V1PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken cancellationToken) =>
        OrNullAsync(() => client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: cancellationToken));

    public Task<Authenticationv1TokenRequest> CreateTokenAsync(string ns, string serviceAccount, Authenticationv1TokenRequest request, CancellationToken cancellationToken) =>
        client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, serviceAccount, ns, cancellationToken: cancellationToken);

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken cancellationToken) =>
        _configMaps.GetAsync(ns, name, () => ReadReferencedAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: cancellationToken), cancellationToken));

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken cancellationToken) =>
        _secrets.GetAsync(ns, name, () => ReadReferencedAsync(() => client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken), cancellationToken));

    public Task<IReadOnlyList<V1Service>> ListServicesAsync(string ns, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<V1Service>>([.. services.List(ns), .. ns == "default" ? [] : services.List("default")]);

    // An object a pod of this node references: a 403 right after the pod was bound is the node authorizer's graph
    // not having seen the pod yet, so it is asked again for up to 2 s.
    private async Task<T?> ReadReferencedAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await OrNullAsync(read).ConfigureAwait(false);
            }
            catch (Exception e) when (KubeErrors.IsForbidden(e) && attempt < ForbiddenRetries)
            {
                await Task.Delay(ForbiddenRetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<T?> OrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
