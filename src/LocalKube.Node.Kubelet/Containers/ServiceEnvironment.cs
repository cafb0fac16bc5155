using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// The Docker-link style service variables (<c>k8s: pkg/kubelet/envvars/envvars.go</c>, <c>kubelet_pods.go
/// getServiceEnvVarMap</c>): services of the pod's namespace with a ClusterIP when service links are on, and the
/// <c>kubernetes</c> service of <c>default</c> always.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>The variables for a pod in <paramref name="ns"/>, in upstream's order (services by name).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(string ns, bool enableServiceLinks, IEnumerable<V1Service> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var selected = new SortedDictionary<string, V1Service>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!HasClusterIp(service))
            {
                continue;
            }

            var name = service.Metadata?.Name ?? "";
            var serviceNs = service.Metadata?.NamespaceProperty ?? "";
            if (serviceNs == "default" && name == "kubernetes")
            {
                selected.TryAdd(name, service);
            }
            else if (serviceNs == ns && enableServiceLinks)
            {
                selected[name] = service;
            }
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var service in selected.Values)
        {
            Add(result, service);
        }

        return result;
    }

    private static bool HasClusterIp(V1Service service) =>
        service.Spec?.ClusterIP is { Length: > 0 } ip && ip != "None" && service.Spec.Ports is { Count: > 0 };

    private static void Add(List<KeyValuePair<string, string>> result, V1Service service)
    {
        var prefix = VariableName(service.Metadata!.Name);
        var ip = service.Spec!.ClusterIP;
        var ports = service.Spec.Ports!;
        result.Add(new(prefix + "_SERVICE_HOST", ip));
        result.Add(new(prefix + "_SERVICE_PORT", Itoa(ports[0].Port)));
        foreach (var port in ports.Where(p => !string.IsNullOrEmpty(p.Name)))
        {
            result.Add(new($"{prefix}_SERVICE_PORT_{VariableName(port.Name)}", Itoa(port.Port)));
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
            var lower = protocol.ToLowerInvariant();
            var hostPort = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{Itoa(port.Port)}" : $"{ip}:{Itoa(port.Port)}";
            if (i == 0)
            {
                // Docker special-cases the first port.
                result.Add(new(prefix + "_PORT", $"{lower}://{hostPort}"));
            }

            var portPrefix = $"{prefix}_PORT_{Itoa(port.Port)}_{protocol.ToUpperInvariant()}";
            result.Add(new(portPrefix, $"{lower}://{hostPort}"));
            result.Add(new(portPrefix + "_PROTO", lower));
            result.Add(new(portPrefix + "_PORT", Itoa(port.Port)));
            result.Add(new(portPrefix + "_ADDR", ip));
        }
    }

    private static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static string Itoa(int value) => value.ToString(CultureInfo.InvariantCulture);
}
