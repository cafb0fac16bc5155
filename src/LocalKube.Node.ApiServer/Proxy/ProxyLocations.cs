using System.Globalization;
using System.Net;
using System.Text;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// Resolves the pod subresources that reach into nodes (upstream's <c>pkg/registry/core/pod</c> <c>LogLocation</c>,
/// <c>ExecLocation</c>, <c>AttachLocation</c>, <c>PortForwardLocation</c>, <c>ResourceLocation</c>, and the node
/// and service <c>ResourceLocation</c>s) to backend URLs, with upstream's error texts.
/// </summary>
internal sealed class ProxyLocations(ResourceStore store)
{
    private const int DefaultKubeletPort = 10250;

    /// <summary>The kubelet's <c>/containerLogs</c> URL, or null when the pod has no node yet (an empty log).</summary>
    public async Task<ProxyTarget?> LogAsync(string ns, string name, IQueryCollection query, CancellationToken ct)
    {
        var pod = await PodAsync(ns, name, ct);
        var container = Container(pod, query["container"].ToString());
        if (string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return null;
        }

        var kubelet = await KubeletAsync(pod.Spec.NodeName, ct);
        return new ProxyTarget(Build(kubelet, $"/containerLogs/{Escape(ns)}/{Escape(name)}/{Escape(container)}", query, "container"), true);
    }

    /// <summary>The kubelet's <c>/exec</c> or <c>/attach</c> URL.</summary>
    public async Task<ProxyTarget> RemoteCommandAsync(string verb, string ns, string name, IQueryCollection query, CancellationToken ct)
    {
        var pod = await PodAsync(ns, name, ct);
        var container = Container(pod, query["container"].ToString());
        var kubelet = await KubeletAsync(AssignedNode(pod, name), ct);
        return new ProxyTarget(Build(kubelet, $"/{verb}/{Escape(ns)}/{Escape(name)}/{Escape(container)}", query, "container"), true);
    }

    /// <summary>The kubelet's <c>/portForward</c> URL.</summary>
    public async Task<ProxyTarget> PortForwardAsync(string ns, string name, IQueryCollection query, CancellationToken ct)
    {
        var pod = await PodAsync(ns, name, ct);
        var kubelet = await KubeletAsync(AssignedNode(pod, name), ct);
        return new ProxyTarget(Build(kubelet, $"/portForward/{Escape(ns)}/{Escape(name)}", query), true);
    }

    /// <summary>A node's kubelet: <c>nodes/&lt;name[:port]&gt;/proxy/&lt;path&gt;</c>.</summary>
    public async Task<ProxyTarget> NodeAsync(string id, string path, IQueryCollection query, CancellationToken ct)
    {
        var target = SchemeNamePort.Parse(id) ?? throw StatusException.BadRequest($"invalid node request {id}");
        var kubelet = await KubeletAsync(target.Name, ct);
        if (target.Port.Length > 0 || target.Scheme.Length > 0)
        {
            var port = target.Port.Length == 0 ? kubelet.Port : Port(target.Port, "node");
            kubelet = new UriBuilder(target.Scheme.Length == 0 ? "https" : target.Scheme, kubelet.Host, port).Uri;
        }

        return new ProxyTarget(Build(kubelet, "/" + path, query), true);
    }

    /// <summary>A pod's own port: <c>pods/&lt;[scheme:]name[:port]&gt;/proxy/&lt;path&gt;</c>.</summary>
    public async Task<ProxyTarget> PodAsync(string ns, string id, string path, IQueryCollection query, CancellationToken ct)
    {
        var target = SchemeNamePort.Parse(id) ?? throw StatusException.BadRequest($"invalid pod request {id}");
        var pod = await PodAsync(ns, target.Name, ct);
        var port = target.Port;
        if (port.Length == 0)
        {
            port = pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).Select(p => p.ContainerPort.ToString(CultureInfo.InvariantCulture)).FirstOrDefault() ?? "";
        }
        else if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            port = pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == port)?.ContainerPort.ToString(CultureInfo.InvariantCulture)
                ?? throw StatusException.BadRequest($"no port named \"{port}\" in pod {target.Name}");
        }

        var ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            throw Unavailable($"address not allowed: pod {target.Name} has no IP address");
        }

        var scheme = target.Scheme.Length == 0 ? "http" : target.Scheme;
        var uri = new UriBuilder(scheme, ip, port.Length == 0 ? -1 : Port(port, "pod")).Uri;
        return new ProxyTarget(Build(uri, "/" + path, query), false);
    }

    /// <summary>A ready endpoint of a service: <c>services/&lt;[scheme:]name[:port]&gt;/proxy/&lt;path&gt;</c>.</summary>
    public async Task<ProxyTarget> ServiceAsync(string ns, string id, string path, IQueryCollection query, CancellationToken ct)
    {
        var target = SchemeNamePort.Parse(id) ?? throw StatusException.BadRequest($"invalid service request {id}");
        var service = (V1Service)(await store.GetAsync(Resource("services"), ns, target.Name, ct)).Object;
        var servicePort = service.Spec?.Ports?.FirstOrDefault(p => target.Port.Length == 0 || p.Name == target.Port
            || p.Port.ToString(CultureInfo.InvariantCulture) == target.Port)
            ?? throw Unavailable($"no service port \"{target.Port}\" found for service \"{target.Name}\"");
        var endpoints = (await store.TryGetAsync(Resource("endpoints"), ns, target.Name, ct))?.Object as V1Endpoints;
        var candidates = new List<(string Ip, int Port)>();
        foreach (var subset in endpoints?.Subsets ?? [])
        {
            foreach (var port in (subset.Ports ?? []).Where(p => (p.Name ?? "") == (servicePort.Name ?? "")))
            {
                candidates.AddRange((subset.Addresses ?? []).Select(a => (a.Ip, port.Port)));
            }
        }

        if (candidates.Count == 0)
        {
            throw Unavailable($"no endpoints available for service \"{target.Name}\"");
        }

        var (ip, number) = candidates[Random.Shared.Next(candidates.Count)];
        var scheme = target.Scheme.Length == 0 ? "http" : target.Scheme;
        return new ProxyTarget(Build(new UriBuilder(scheme, ip, number).Uri, "/" + path, query), false);
    }

    /// <summary>upstream's 503 for a backend that cannot be reached.</summary>
    public static StatusException Unavailable(string message) => new(503, "ServiceUnavailable", message);

    private RestResource Resource(string plural) =>
        store.Resources.Find("", "v1", plural) ?? throw StatusException.Internal($"{plural} are not served");

    private async Task<V1Pod> PodAsync(string ns, string name, CancellationToken ct) =>
        (V1Pod)(await store.GetAsync(Resource("pods"), ns, name, ct)).Object;

    private static string AssignedNode(V1Pod pod, string name) =>
        string.IsNullOrEmpty(pod.Spec?.NodeName) ? throw StatusException.BadRequest($"pod {name} does not have a host assigned") : pod.Spec.NodeName;

    // Upstream's validateContainer: one container is the default; a name must be one of the pod's containers.
    private static string Container(V1Pod pod, string container)
    {
        var name = pod.Metadata.Name;
        var spec = pod.Spec;
        var all = (spec?.InitContainers ?? []).Select(c => c.Name)
            .Concat((spec?.Containers ?? []).Select(c => c.Name))
            .Concat((spec?.EphemeralContainers ?? []).Select(c => c.Name))
            .ToList();
        if (container.Length > 0)
        {
            return all.Contains(container) ? container : throw StatusException.BadRequest($"container {container} is not valid for pod {name}");
        }

        return spec?.Containers?.Count switch
        {
            1 => spec.Containers[0].Name,
            null or 0 => throw StatusException.BadRequest($"a container name must be specified for pod {name}"),
            _ => throw StatusException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', all)}]"),
        };
    }

    private async Task<Uri> KubeletAsync(string nodeName, CancellationToken ct)
    {
        var node = (V1Node)(await store.GetAsync(Resource("nodes"), null, nodeName, ct)).Object;
        var addresses = node.Status?.Addresses ?? [];
        var address = new[] { "InternalIP", "ExternalIP", "Hostname" }
            .Select(type => addresses.FirstOrDefault(a => a.Type == type && !string.IsNullOrEmpty(a.Address))?.Address)
            .FirstOrDefault(a => a is not null)
            ?? throw Unavailable($"no preferred addresses found; known addresses: []");
        var port = node.Status?.DaemonEndpoints?.KubeletEndpoint?.Port is > 0 and var p ? p : DefaultKubeletPort;
        var host = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        return new UriBuilder("https", host, port).Uri;
    }

    private static int Port(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw StatusException.BadRequest($"invalid {what} port \"{text}\"");

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static Uri Build(Uri authority, string path, IQueryCollection query, params string[] drop)
    {
        var text = new StringBuilder();
        foreach (var (key, values) in query)
        {
            if (drop.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            foreach (var value in values)
            {
                text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
            }
        }

        return new Uri(authority.GetLeftPart(UriPartial.Authority) + path + text);
    }
}
