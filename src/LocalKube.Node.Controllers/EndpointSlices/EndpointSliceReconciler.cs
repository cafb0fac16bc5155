using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Endpoints;

namespace LocalKube.Node.Controllers.EndpointSlices;

/// <summary>
/// Computes a Service's IPv4 EndpointSlices (k/k <c>pkg/controller/endpointslice</c>, endpointslice
/// <c>reconciler.go</c>, 1.32): one group per set of resolved ports; existing slices keep their endpoints in place,
/// drop the gone ones and take new ones while they have room (100 per slice), new slices take the rest; slices of
/// port sets no longer wanted go; a Service with no endpoints keeps one empty placeholder slice.
/// </summary>
internal static class EndpointSliceReconciler
{
    /// <summary>Upstream's default <c>--max-endpoints-per-slice</c>.</summary>
    public const int MaxEndpointsPerSlice = 100;

    /// <summary>The label naming the slice's controller.</summary>
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    /// <summary>This controller's <see cref="ManagedByLabel"/> value.</summary>
    public const string ControllerName = "endpointslice-controller.k8s.io";

    /// <summary>The label naming the slice's Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The node label whose value becomes an endpoint's zone.</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    /// <summary>The plan for <paramref name="service"/>, given its selected pods and the slices it owns now.</summary>
    public static SlicePlan Reconcile(
        V1Service service, IEnumerable<V1Pod> pods, Func<string, V1Node?> nodes, IReadOnlyList<V1EndpointSlice> existing, DateTime? triggerTime,
        int maxPerSlice = MaxEndpointsPerSlice)
    {
        ArgumentNullException.ThrowIfNull(service);
        var desired = Desired(service, pods, nodes);
        var labels = Labels(service);
        var plan = new SlicePlan([], [], []);
        var byKey = new Dictionary<string, List<V1EndpointSlice>>(StringComparer.Ordinal);
        foreach (var slice in existing)
        {
            if (slice.AddressType != "IPv4")
            {
                plan.Delete.Add(slice);
                continue;
            }

            var key = PortsKey(slice.Ports);
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }

            list.Add(slice);
        }

        foreach (var (key, group) in desired)
        {
            ReconcileGroup(service, labels, group, byKey.GetValueOrDefault(key) ?? [], plan, maxPerSlice);
            byKey.Remove(key);
        }

        // Port sets nobody offers any more.
        foreach (var stale in byKey.Values.SelectMany(l => l))
        {
            plan.Delete.Add(stale);
        }

        if (desired.Count == 0)
        {
            KeepPlaceholder(service, labels, plan);
        }

        foreach (var slice in plan.Create.Concat(plan.Update))
        {
            var annotations = slice.Metadata.Annotations ??= new Dictionary<string, string>();
            if (triggerTime is { } t)
            {
                annotations[EndpointsBuilder.TriggerTimeAnnotation] = TriggerTimeTracker.Format(t);
            }
            else
            {
                annotations.Remove(EndpointsBuilder.TriggerTimeAnnotation);
            }

            if (annotations.Count == 0)
            {
                slice.Metadata.Annotations = null;
            }
        }

        return plan;
    }

    /// <summary>The desired endpoints grouped by their resolved ports.</summary>
    public static Dictionary<string, Group> Desired(V1Service service, IEnumerable<V1Pod> pods, Func<string, V1Node?> nodes)
    {
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!EndpointPods.ShouldBeInEndpoints(pod, includeTerminating: true))
            {
                continue;
            }

            var ports = Ports(service, pod);
            var key = PortsKey(ports);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new Group(ports, new Dictionary<string, V1Endpoint>(StringComparer.Ordinal));
            }

            var endpoint = Endpoint(service, pod, nodes);
            group.Endpoints[EndpointKey(endpoint)] = endpoint;
        }

        return groups;
    }

    /// <summary>The labels of the Service's slices: its own minus the reserved keys, plus the reserved ones.</summary>
    public static Dictionary<string, string> Labels(V1Service service)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in service.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            if (!IsReserved(k))
            {
                labels[k] = v;
            }
        }

        if (service.Spec?.ClusterIP == "None")
        {
            labels[EndpointsBuilder.HeadlessLabel] = "";
        }

        labels[ServiceNameLabel] = service.Metadata!.Name;
        labels[ManagedByLabel] = ControllerName;
        return labels;
    }

    private static void ReconcileGroup(V1Service service, Dictionary<string, string> labels, Group group, List<V1EndpointSlice> slices, SlicePlan plan, int max)
    {
        var remaining = new Dictionary<string, V1Endpoint>(group.Endpoints, StringComparer.Ordinal);
        var updating = new List<V1EndpointSlice>();
        var unchanged = new List<V1EndpointSlice>();
        foreach (var slice in slices)
        {
            var kept = new List<V1Endpoint>();
            var changed = !SameLabels(slice.Metadata?.Labels, labels) || !OwnedBy(slice, service);
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                var key = EndpointKey(endpoint);
                if (remaining.Remove(key, out var wanted))
                {
                    changed |= !Same(endpoint, wanted);
                    kept.Add(wanted);
                }
                else
                {
                    changed = true;
                }
            }

            if (kept.Count == 0)
            {
                plan.Delete.Add(slice);
                continue;
            }

            var next = Copy(slice, service, labels, kept, group.Ports);
            (changed ? updating : unchanged).Add(next);
        }

        var queue = new Queue<V1Endpoint>(remaining.Values.OrderBy(e => e.Addresses[0], StringComparer.Ordinal));

        // New endpoints go first into slices that are written anyway, then into one unchanged slice with room.
        foreach (var slice in updating)
        {
            Fill(slice, queue, max);
        }

        foreach (var slice in unchanged.OrderByDescending(s => s.Endpoints.Count))
        {
            if (queue.Count == 0)
            {
                break;
            }

            if (slice.Endpoints.Count < max)
            {
                Fill(slice, queue, max);
                updating.Add(slice);
            }
        }

        while (queue.Count > 0)
        {
            var created = New(service, labels, group.Ports);
            Fill(created, queue, max);
            plan.Create.Add(created);
        }

        plan.Update.AddRange(updating);
    }

    private static void KeepPlaceholder(V1Service service, Dictionary<string, string> labels, SlicePlan plan)
    {
        if (plan.Create.Count > 0)
        {
            return;
        }

        // Reuse a slice that would be deleted rather than delete one and create another.
        var reuse = plan.Delete.FirstOrDefault(s => s.AddressType == "IPv4" && (s.Endpoints?.Count ?? 0) == 0 && (s.Ports?.Count ?? 0) == 0)
            ?? plan.Delete.FirstOrDefault(s => s.AddressType == "IPv4");
        if (reuse is null)
        {
            plan.Create.Add(New(service, labels, []));
            return;
        }

        plan.Delete.Remove(reuse);
        var placeholder = Copy(reuse, service, labels, [], []);
        var unchanged = (reuse.Endpoints?.Count ?? 0) == 0 && (reuse.Ports?.Count ?? 0) == 0 && SameLabels(reuse.Metadata?.Labels, labels) && OwnedBy(reuse, service);
        if (!unchanged)
        {
            plan.Update.Add(placeholder);
        }
    }

    private static void Fill(V1EndpointSlice slice, Queue<V1Endpoint> queue, int max)
    {
        while (slice.Endpoints.Count < max && queue.Count > 0)
        {
            slice.Endpoints.Add(queue.Dequeue());
        }
    }

    private static V1EndpointSlice New(V1Service service, Dictionary<string, string> labels, List<Discoveryv1EndpointPort> ports) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            GenerateName = service.Metadata.Name + "-",
            NamespaceProperty = service.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>(labels),
            OwnerReferences = [OwnerReference(service)],
        },
        AddressType = "IPv4",
        Endpoints = [],
        Ports = ports,
    };

    private static V1EndpointSlice Copy(V1EndpointSlice slice, V1Service service, Dictionary<string, string> labels, List<V1Endpoint> endpoints, List<Discoveryv1EndpointPort> ports)
    {
        var owners = (slice.Metadata.OwnerReferences ?? []).Where(o => o.Controller != true).ToList();
        owners.Insert(0, OwnerReference(service));
        return new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = slice.Metadata.Name,
                NamespaceProperty = slice.Metadata.NamespaceProperty,
                ResourceVersion = slice.Metadata.ResourceVersion,
                Uid = slice.Metadata.Uid,
                Labels = new Dictionary<string, string>(labels),
                Annotations = slice.Metadata.Annotations is null ? null : new Dictionary<string, string>(slice.Metadata.Annotations),
                OwnerReferences = owners,
                Finalizers = slice.Metadata.Finalizers,
            },
            AddressType = slice.AddressType,
            Endpoints = endpoints,
            Ports = ports,
        };
    }

    private static V1OwnerReference OwnerReference(V1Service service) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Name = service.Metadata.Name,
        Uid = service.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static bool OwnedBy(V1EndpointSlice slice, V1Service service) =>
        slice.Metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == service.Metadata.Uid && o.BlockOwnerDeletion == true) == true;

    private static List<Discoveryv1EndpointPort> Ports(V1Service service, V1Pod pod)
    {
        var ports = new List<Discoveryv1EndpointPort>();
        foreach (var port in service.Spec?.Ports ?? [])
        {
            if (EndpointPods.FindPort(pod, port) is { } number)
            {
                ports.Add(new Discoveryv1EndpointPort { Name = port.Name ?? "", Port = number, Protocol = port.Protocol ?? "TCP", AppProtocol = port.AppProtocol });
            }
        }

        return ports;
    }

    private static V1Endpoint Endpoint(V1Service service, V1Pod pod, Func<string, V1Node?> nodes)
    {
        var serving = EndpointPods.IsReady(pod);
        var terminating = pod.Metadata.DeletionTimestamp is not null;
        var nodeName = pod.Spec?.NodeName;
        string? zone = null;
        if (!string.IsNullOrEmpty(nodeName) && nodes(nodeName)?.Metadata?.Labels is { } nodeLabels)
        {
            nodeLabels.TryGetValue(ZoneLabel, out zone);
        }

        return new V1Endpoint
        {
            Addresses = [EndpointPods.PodIp(pod)!],
            Conditions = new V1EndpointConditions
            {
                Ready = service.Spec?.PublishNotReadyAddresses == true || (serving && !terminating),
                Serving = serving,
                Terminating = terminating,
            },
            Hostname = EndpointPods.ShouldSetHostname(pod, service) ? pod.Spec!.Hostname : null,
            NodeName = string.IsNullOrEmpty(nodeName) ? null : nodeName,
            Zone = string.IsNullOrEmpty(zone) ? null : zone,
            TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
        };
    }

    private static string EndpointKey(V1Endpoint endpoint) =>
        string.Join(",", endpoint.Addresses ?? []) + "|" + endpoint.TargetRef?.NamespaceProperty + "/" + endpoint.TargetRef?.Name + "|" + endpoint.Hostname;

    private static string PortsKey(IEnumerable<Discoveryv1EndpointPort>? ports) =>
        string.Join(";", (ports ?? []).Select(p => $"{p.Name}/{p.Port}/{p.Protocol ?? "TCP"}/{p.AppProtocol}").OrderBy(s => s, StringComparer.Ordinal));

    private static bool Same(V1Endpoint a, V1Endpoint b) => KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);

    private static bool SameLabels(IDictionary<string, string>? a, Dictionary<string, string> b) =>
        a is not null && a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool IsReserved(string key) => key is ServiceNameLabel or ManagedByLabel or EndpointsBuilder.HeadlessLabel;

    /// <summary>One port set's endpoints.</summary>
    /// <param name="Ports">The slice ports.</param>
    /// <param name="Endpoints">The endpoints by identity.</param>
    internal sealed record Group(List<Discoveryv1EndpointPort> Ports, Dictionary<string, V1Endpoint> Endpoints);
}
