using k8s.Models;

namespace LocalKube.Node.Controllers.Endpoints;

/// <summary>
/// The Endpoints object of a Service (k/k <c>pkg/controller/endpoint/endpoints_controller.go</c>, 1.32): ready pods
/// (all pods with <c>publishNotReadyAddresses</c>) in <c>addresses</c>, the others in <c>notReadyAddresses</c>,
/// terminating pods only with <c>publishNotReadyAddresses</c>; repacked so ports served by the same addresses share a
/// subset; at most 1,000 addresses, marked <c>over-capacity: truncated</c> beyond.
/// </summary>
internal static class EndpointsBuilder
{
    /// <summary>Upstream's maxCapacity.</summary>
    public const int MaxCapacity = 1000;

    /// <summary>Marks truncated Endpoints.</summary>
    public const string OverCapacityAnnotation = "endpoints.kubernetes.io/over-capacity";

    /// <summary>When the change that led to this write happened.</summary>
    public const string TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    /// <summary>The label of headless Services' endpoints.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>The repacked subsets for <paramref name="service"/> and the pods it selects.</summary>
    public static List<V1EndpointSubset> Subsets(V1Service service, IEnumerable<V1Pod> pods)
    {
        var tolerateUnready = service.Spec?.PublishNotReadyAddresses == true;
        var ports = service.Spec?.Ports ?? [];
        var headlessWithoutPorts = service.Spec?.ClusterIP == "None" && ports.Count == 0;

        // Port (or the no-port sentinel) → the addresses offering it, each ready or not.
        var byPort = new Dictionary<PortKey, Dictionary<string, (V1EndpointAddress Address, bool Ready)>>();
        foreach (var pod in pods)
        {
            if (!EndpointPods.ShouldBeInEndpoints(pod, tolerateUnready))
            {
                continue;
            }

            var address = Address(pod, service);
            var ready = tolerateUnready || EndpointPods.IsReady(pod);
            if (headlessWithoutPorts)
            {
                Offer(byPort, PortKey.None, address, ready);
                continue;
            }

            foreach (var port in ports)
            {
                if (EndpointPods.FindPort(pod, port) is { } number)
                {
                    Offer(byPort, new PortKey(port.Name ?? "", number, port.Protocol ?? "TCP", port.AppProtocol), address, ready);
                }
            }
        }

        // Ports served by exactly the same addresses share one subset.
        var groups = new Dictionary<string, (Dictionary<string, (V1EndpointAddress Address, bool Ready)> Addresses, List<PortKey> Ports)>(StringComparer.Ordinal);
        foreach (var (port, addresses) in byPort)
        {
            var key = string.Join(";", addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + (a.Value.Ready ? "+" : "-")));
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = (addresses, []);
            }

            if (port != PortKey.None)
            {
                group.Ports.Add(port);
            }
        }

        return groups.Values
            .Select(g => new V1EndpointSubset
            {
                Addresses = Sorted(g.Addresses.Values.Where(a => a.Ready)),
                NotReadyAddresses = Sorted(g.Addresses.Values.Where(a => !a.Ready)),
                Ports = g.Ports.Count == 0 ? null : g.Ports.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Port)
                    .Select(p => new Corev1EndpointPort { Name = p.Name.Length == 0 ? null : p.Name, Port = p.Port, Protocol = p.Protocol, AppProtocol = p.AppProtocol })
                    .ToList(),
            })
            .OrderBy(s => s.Ports is { Count: > 0 } p ? p[0].Name ?? "" : "", StringComparer.Ordinal)
            .ThenBy(s => s.Ports is { Count: > 0 } p ? p[0].Port : 0)
            .ThenBy(s => (s.Addresses ?? s.NotReadyAddresses)?.FirstOrDefault()?.Ip ?? "", StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Upstream's <c>truncateEndpoints</c>: keeps 1,000 addresses spread over the subsets in proportion, ready ones
    /// first; true when anything was cut.
    /// </summary>
    public static bool Truncate(List<V1EndpointSubset> subsets)
    {
        var totalReady = subsets.Sum(s => s.Addresses?.Count ?? 0);
        var totalNotReady = subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0);
        if (totalReady + totalNotReady <= MaxCapacity)
        {
            return false;
        }

        var truncateReady = totalReady > MaxCapacity;
        var max = truncateReady ? MaxCapacity : MaxCapacity - totalReady;
        var numTotal = truncateReady ? totalReady : totalNotReady;
        var canBeAdded = max;
        foreach (var subset in subsets)
        {
            var inSubset = truncateReady ? subset.Addresses?.Count ?? 0 : subset.NotReadyAddresses?.Count ?? 0;
            var toBeAdded = Math.Min((int)Math.Ceiling((double)inSubset / numTotal * max), canBeAdded);
            if (truncateReady)
            {
                subset.Addresses = subset.Addresses?.Take(toBeAdded).ToList();
                subset.NotReadyAddresses = null;
                canBeAdded -= subset.Addresses?.Count ?? 0;
            }
            else
            {
                subset.NotReadyAddresses = subset.NotReadyAddresses?.Take(toBeAdded).ToList();
                canBeAdded -= subset.NotReadyAddresses?.Count ?? 0;
            }
        }

        return true;
    }

    /// <summary>
    /// The Endpoints to write for <paramref name="service"/>, or null when <paramref name="current"/> already says
    /// the same (subsets, labels, over-capacity annotation).
    /// </summary>
    public static V1Endpoints? Desired(V1Service service, IReadOnlyList<V1Pod> pods, V1Endpoints? current, DateTime? triggerTime)
    {
        var subsets = Subsets(service, pods);
        var truncated = Truncate(subsets);
        var serviceLabels = service.Metadata?.Labels ?? new Dictionary<string, string>();
        if (current is not null)
        {
            var currentLabels = (current.Metadata?.Labels ?? new Dictionary<string, string>()).Where(kv => kv.Key != HeadlessLabel);
            var marked = current.Metadata?.Annotations?.TryGetValue(OverCapacityAnnotation, out var v) == true && v == "truncated";
            if (SameSubsets(current.Subsets, subsets) && SameLabels(currentLabels, serviceLabels) && marked == truncated)
            {
                return null;
            }
        }

        var annotations = new Dictionary<string, string>(current?.Metadata?.Annotations ?? new Dictionary<string, string>());
        if (triggerTime is { } t)
        {
            annotations[TriggerTimeAnnotation] = TriggerTimeTracker.Format(t);
        }
        else
        {
            annotations.Remove(TriggerTimeAnnotation);
        }

        if (truncated)
        {
            annotations[OverCapacityAnnotation] = "truncated";
        }
        else
        {
            annotations.Remove(OverCapacityAnnotation);
        }

        var labels = new Dictionary<string, string>(serviceLabels);
        if (service.Spec?.ClusterIP == "None")
        {
            labels[HeadlessLabel] = "";
        }

        return new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta
            {
                Name = service.Metadata!.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations.Count == 0 ? null : annotations,
                ResourceVersion = current?.Metadata?.ResourceVersion,
                OwnerReferences = current?.Metadata?.OwnerReferences,
                Finalizers = current?.Metadata?.Finalizers,
            },
            Subsets = subsets,
        };
    }

    private static V1EndpointAddress Address(V1Pod pod, V1Service service) => new()
    {
        Ip = EndpointPods.PodIp(pod)!,
        Hostname = EndpointPods.ShouldSetHostname(pod, service) ? pod.Spec.Hostname : null,
        NodeName = pod.Spec?.NodeName,
        TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
    };

    private static void Offer(Dictionary<PortKey, Dictionary<string, (V1EndpointAddress, bool)>> byPort, PortKey port, V1EndpointAddress address, bool ready)
    {
        if (!byPort.TryGetValue(port, out var addresses))
        {
            byPort[port] = addresses = new Dictionary<string, (V1EndpointAddress, bool)>(StringComparer.Ordinal);
        }

        addresses[address.Ip + "/" + address.TargetRef?.Uid] = (address, ready);
    }

    private static List<V1EndpointAddress>? Sorted(IEnumerable<(V1EndpointAddress Address, bool Ready)> addresses)
    {
        var list = addresses.Select(a => a.Address).OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : list;
    }

    private static bool SameSubsets(IList<V1EndpointSubset>? a, List<V1EndpointSubset> b) =>
        a is not { Count: > 0 } ? b.Count == 0 : b.Count > 0 && k8s.KubernetesJson.Serialize(a) == k8s.KubernetesJson.Serialize(b);

    private static bool SameLabels(IEnumerable<KeyValuePair<string, string>> a, IDictionary<string, string> b)
    {
        var left = a.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return left.Count == b.Count && left.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    private readonly record struct PortKey(string Name, int Port, string Protocol, string? AppProtocol)
    {
        public static PortKey None { get; } = new("", -1, "", null);
    }
}
