using k8s.Models;
using LocalKube.Node.ApiServer.Admission;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// What upstream's bootstrap controller ensures on every start: the namespaces default, kube-system, kube-public and
/// kube-node-lease, and (when Services and Endpoints are served) the <c>kubernetes</c> Service on 10.96.0.1:443 with
/// Endpoints and EndpointSlice pointing at this API server, and <c>kube-dns</c> where the agent serves cluster DNS
/// (<see cref="KubeDnsService"/>). Idempotent. (The Node is the kubelet's to register.)
/// </summary>
public sealed class ClusterBootstrap(ResourceStore store, IOptions<NodeAgentOptions> agentOptions, IEnumerable<NodeComponentRegistration> components, NodeSettings settings)
{
    private readonly NodeAgentOptions _options = agentOptions.Value;

    /// <summary>The namespaces that always exist.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Creates what is missing and repoints the <c>kubernetes</c> Endpoints.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (store.Resources.Namespaces is { } namespaces)
        {
            foreach (var name in SystemNamespaces)
            {
                if (await store.TryGetAsync(namespaces, null, name, cancellationToken) is null)
                {
                    await CreateIgnoringExistsAsync(namespaces, new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken);
                }
            }
        }

        if (store.Resources.FindKind("", "Service") is { } services
            && await store.TryGetAsync(services, "default", "kubernetes", cancellationToken) is null)
        {
            await CreateIgnoringExistsAsync(services, new V1Service
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "kubernetes",
                    NamespaceProperty = "default",
                    Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
                },
                Spec = new V1ServiceSpec
                {
                    Type = "ClusterIP",
                    ClusterIP = ServiceAllocation.KubernetesServiceIp,
                    SessionAffinity = "None",
                    Ports = [new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP", TargetPort = _options.SecurePort }],
                },
            }, cancellationToken);
        }

        if (store.Resources.FindKind("", "Endpoints") is { } endpoints)
        {
            var subsets = new List<V1EndpointSubset>
            {
                new()
                {
                    Addresses = [new V1EndpointAddress { Ip = _options.EffectiveAdvertiseAddress }],
                    Ports = [new Corev1EndpointPort { Name = "https", Port = _options.SecurePort, Protocol = "TCP" }],
                },
            };
            if (await store.TryGetAsync(endpoints, "default", "kubernetes", cancellationToken) is null)
            {
                await CreateIgnoringExistsAsync(endpoints, new V1Endpoints
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = "kubernetes",
                        NamespaceProperty = "default",
                        Labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
                    },
                    Subsets = subsets,
                }, cancellationToken);
            }
            else
            {
                // The agent may come back on another address or port: repoint.
                await store.UpdateAsync(endpoints, "default", "kubernetes", current =>
                {
                    var e = (V1Endpoints)current.Object;
                    e.Subsets = subsets;
                    return e;
                }, UpdateScope.Main, dryRun: false, cancellationToken);
            }
        }

        await Admission.SystemPriorityClasses.EnsureAsync(store, cancellationToken);
        await DefaultStorageClass.EnsureAsync(store, cancellationToken);
        await KubernetesEndpointSlice.EnsureAsync(store, _options, cancellationToken);
        if (components.Any(c => c.Component == NodeComponent.Dns))
        {
            await KubeDnsService.EnsureAsync(store, settings.Get(NodeComponent.Kubelet, "pod-cidr") is { Length: > 0 } cidr ? cidr : "10.244.0.0/16", cancellationToken);
        }
    }

    private async Task CreateIgnoringExistsAsync(RestResource resource, k8s.IKubernetesObject<V1ObjectMeta> obj, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(resource, obj, dryRun: false, cancellationToken);
        }
        catch (StatusException e) when (e.Code == 409)
        {
            // Created meanwhile (another agent start on the same etcd).
        }
    }
}
