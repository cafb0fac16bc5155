using System.Net;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Service ClusterIP (10.96.0.0/12) and NodePort (30000-32767) allocation. Allocations are derived from the stored
/// Services on every write, so they survive restarts and are released on delete by construction; requested values are
/// honoured and conflicts refused with upstream's messages. Writes of Services are serialized by the machinery.
/// </summary>
public sealed class ServiceAllocation : IAdmissionHook
{
    /// <summary>The service CIDR.</summary>
    public const string ServiceCidr = "10.96.0.0/12";

    /// <summary>The first usable address, reserved for the <c>kubernetes</c> Service in <c>default</c>.</summary>
    public const string KubernetesServiceIp = "10.96.0.1";

    /// <summary>Lowest NodePort.</summary>
    public const int NodePortMin = 30000;

    /// <summary>Highest NodePort.</summary>
    public const int NodePortMax = 32767;

    private const uint Network = (10u << 24) | (96u << 16);
    private const uint Size = 1u << 20;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind == "Service";

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not V1Service service)
        {
            return;
        }

        var spec = service.Spec ??= new V1ServiceSpec();
        var all = await request.Store.ListAsync(request.Resource, null, new ListOptions(), cancellationToken);
        var others = all.Items.Select(i => (V1Service)i.Object).Where(s => s.Metadata.Uid != service.Metadata.Uid).ToList();
        var errors = new List<V1StatusCause>();
        AllocateClusterIp(service, spec, others, errors);
        AllocateNodePorts(spec, others, errors);
        if (errors.Count > 0)
        {
            throw StatusException.Invalid("", "Service", service.Metadata.Name ?? "", errors);
        }
    }

    private static void AllocateClusterIp(V1Service service, V1ServiceSpec spec, List<V1Service> others, List<V1StatusCause> errors)
    {
        if (spec.Type == "ExternalName" || spec.ClusterIP == "None")
        {
            return;
        }

        var requested = spec.ClusterIP ?? spec.ClusterIPs?.FirstOrDefault();
        var used = others.SelectMany(s => s.Spec?.ClusterIPs ?? (s.Spec?.ClusterIP is { } ip ? [ip] : [])).ToHashSet();
        if (!string.IsNullOrEmpty(requested))
        {
            var field = "spec.clusterIPs";
            var shown = $"[]string{{\"{requested}\"}}";
            if (!IPAddress.TryParse(requested, out var address) || !InRange(address))
            {
                errors.Add(StatusCauses.Invalid(field, new GoValue(shown),
                    $"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {ServiceCidr}"));
            }
            else if (used.Contains(requested))
            {
                errors.Add(StatusCauses.Invalid(field, new GoValue(shown), $"failed to allocate IP {requested}: provided IP is already allocated"));
            }

            spec.ClusterIP = requested;
            spec.ClusterIPs = [requested];
            return;
        }

        // Random start like upstream's allocator, then the first free address; .0 and .1 are never handed out
        // (.1 only to an explicit request, which the kubernetes Service makes).
        var start = (uint)Random.Shared.Next(2, (int)Size - 1);
        for (uint i = 0; i < Size - 3; i++)
        {
            var offset = 2 + ((start - 2 + i) % (Size - 3));
            var candidate = ToAddress(Network + offset);
            if (!used.Contains(candidate))
            {
                spec.ClusterIP = candidate;
                spec.ClusterIPs = [candidate];
                return;
            }
        }

        errors.Add(StatusCauses.InternalError("spec.clusterIPs", "failed to allocate a serviceIP: range is full"));
    }

    private static void AllocateNodePorts(V1ServiceSpec spec, List<V1Service> others, List<V1StatusCause> errors)
    {
        var wantsNodePorts = spec.Type is "NodePort" or "LoadBalancer";
        var used = others.SelectMany(s => s.Spec?.Ports ?? []).Where(p => p.NodePort is > 0).Select(p => p.NodePort!.Value).ToHashSet();
        var ports = spec.Ports ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (!wantsNodePorts)
            {
                // Upstream releases node ports when a Service stops needing them.
                port.NodePort = null;
                continue;
            }

            if (port.NodePort is > 0 and var requested)
            {
                if (requested is < NodePortMin or > NodePortMax)
                {
                    errors.Add(StatusCauses.Invalid($"spec.ports[{i}].nodePort", requested,
                        $"provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
                }
                else if (!used.Add(requested) && !SameServiceDuplicate(ports, i))
                {
                    errors.Add(StatusCauses.Invalid($"spec.ports[{i}].nodePort", requested, "provided port is already allocated"));
                }

                continue;
            }

            var start = Random.Shared.Next(NodePortMin, NodePortMax + 1);
            for (var n = 0; n <= NodePortMax - NodePortMin; n++)
            {
                var candidate = NodePortMin + ((start - NodePortMin + n) % (NodePortMax - NodePortMin + 1));
                if (used.Add(candidate))
                {
                    port.NodePort = candidate;
                    break;
                }
            }

            if (port.NodePort is not > 0)
            {
                errors.Add(StatusCauses.InternalError($"spec.ports[{i}].nodePort", "failed to allocate a nodePort: range is full"));
            }
        }
    }

    // The same nodePort on two ports of one Service (TCP and UDP of one port) is allowed upstream.
    private static bool SameServiceDuplicate(IList<V1ServicePort> ports, int index) =>
        ports.Take(index).Any(p => p.NodePort == ports[index].NodePort && p.Protocol != ports[index].Protocol);

    private static bool InRange(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        return value > Network && value < Network + Size - 1;
    }

    private static string ToAddress(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";

    // Renders as-is in a field error (upstream prints Go's %#v of the IP list).
    private sealed record GoValue(string Text) : IFormattable
    {
        public string ToString(string? format, IFormatProvider? formatProvider) => Text;
    }
}
