using k8s;
using k8s.Models;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Services;

/// <summary>
/// The state of one <c>tunnel</c>: a forwarder per LoadBalancer service port on the same 127.0.0.1 port, and the
/// ingress 127.0.0.1 in each service's status. <see cref="SyncAsync"/> follows services appearing, changing and going.
/// </summary>
public sealed class ServiceTunnel(ServiceAccess access, TextWriter stdout, TextWriter stderr)
{
    private readonly Dictionary<string, List<ServiceForwarder>> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    /// <summary>Opens forwarders and sets the ingress for new LoadBalancer services; closes those gone.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var services = (await access.Client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken)).Items
            .Where(s => s.Spec?.Type == "LoadBalancer")
            .ToDictionary(s => Key(s, ServiceAccess.Targets(s)), StringComparer.Ordinal);
        foreach (var key in _open.Keys.Where(k => !services.ContainsKey(k)).ToList())
        {
            foreach (var forwarder in _open[key])
            {
                await forwarder.DisposeAsync();
            }

            _open.Remove(key);
            stderr.WriteLine($"Stopped the tunnel for {key.Split('|')[0]}");
        }

        foreach (var (key, service) in services)
        {
            if (!_open.ContainsKey(key) && !_refused.Contains(key))
            {
                var forwarders = new List<ServiceForwarder>();
                try
                {
                    foreach (var target in ServiceAccess.Targets(service))
                    {
                        forwarders.Add(access.Forward(target, target.Port));
                    }
                }
                catch (LocalKubeException e)
                {
                    foreach (var forwarder in forwarders)
                    {
                        await forwarder.DisposeAsync();
                    }

                    _refused.Add(key);
                    stderr.WriteLine($"Cannot tunnel {service.Metadata.NamespaceProperty}/{service.Metadata.Name}: {e.Message} ({e.Reason.Id}: {e.Reason.Advice})");
                    continue;
                }

                _open[key] = forwarders;
                stdout.WriteLine($"Status: {service.Metadata.NamespaceProperty}/{service.Metadata.Name} -> {string.Join(", ", forwarders.Select(f => $"127.0.0.1:{f.Port}"))}");
                stdout.Flush();
            }

            if (_open.ContainsKey(key) && service.Status?.LoadBalancer?.Ingress?.Any(i => i.Ip == "127.0.0.1") != true)
            {
                await SetIngressAsync(service, [new V1LoadBalancerIngress { Ip = "127.0.0.1", IpMode = "VIP" }], cancellationToken);
            }
        }
    }

    /// <summary>Closes every forwarder and clears the ingress it set.</summary>
    public async Task DisposeAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, forwarders) in _open)
        {
            foreach (var forwarder in forwarders)
            {
                await forwarder.DisposeAsync();
            }

            var parts = key.Split('|')[0].Split('/');
            try
            {
                var service = await access.Client.CoreV1.ReadNamespacedServiceAsync(parts[1], parts[0], cancellationToken: cancellationToken);
                await SetIngressAsync(service, [], cancellationToken);
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
            {
                stderr.WriteLine($"Could not clear the ingress of {parts[0]}/{parts[1]}: {e.Message}; the next tunnel repairs it.");
            }
        }

        _open.Clear();
    }

    private async Task SetIngressAsync(V1Service service, List<V1LoadBalancerIngress> ingress, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(new { status = new { loadBalancer = new { ingress } } }, V1Patch.PatchType.MergePatch);
        await access.Client.CoreV1.PatchNamespacedServiceStatusAsync(patch, service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    // The ports are part of the key: a service whose ports change gets new forwarders.
    private static string Key(V1Service service, IReadOnlyList<ServiceTarget> targets) =>
        $"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}|{string.Join(",", targets.Select(t => $"{t.Port}>{t.NodeHost}:{t.NodePort}"))}";
}
