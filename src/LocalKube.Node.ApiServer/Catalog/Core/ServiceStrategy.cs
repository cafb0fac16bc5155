using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 services. ClusterIP and NodePort allocation belong to the REST machinery; this is the rest.</summary>
public sealed class ServiceStrategy : ResourceStrategy<V1Service>, IUpdatePreparer, IDeletionStrategy
{
    /// <summary>Upstream answers a Service delete with the object; KubernetesClient decodes a V1Service from it.</summary>
    public bool ReturnDeletedObject => true;

    /// <summary>Services have no graceful deletion.</summary>
    public long GracePeriodSeconds(IKubernetesObject<V1ObjectMeta> obj, long? requested) => 0;

    /// <summary>Nothing blocks a Service delete.</summary>
    public bool PrepareForDeletion(IKubernetesObject<V1ObjectMeta> obj) => false;

    /// <summary>Supported service types, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

    private static readonly IReadOnlyList<TableColumn> ServiceColumns =
    [
        Cols.Name,
        Cols.Text("Type", "type determines how the Service is exposed."),
        Cols.Text("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
        Cols.Text("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        Cols.Text("Port(s)", "The list of ports that are exposed by this service."),
        Cols.Age,
        Cols.Text("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public ServiceStrategy()
        : base(Descriptors.Of("", "v1", "Service", "services", true, shortNames: ["svc"], categories: ["all"], subresources:
            [
                new ApiSubresourceDescriptor("proxy", Descriptors.ProxyVerbs) { Kind = "ServiceProxyOptions" },
                Descriptors.Status,
            ]), "services/specs", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ServiceColumns;

    /// <inheritdoc />
    protected override Names.Rule NameRule => Names.Dns1035Name;

    /// <summary>Upstream's PORT(S) cell: <c>80/TCP</c>, <c>80:30080/TCP</c>, comma-joined.</summary>
    public static string PortsCell(IList<V1ServicePort>? ports)
    {
        var s = string.Join(",", (ports ?? []).Select(p => p.NodePort is > 0 ? $"{p.Port}:{p.NodePort}/{p.Protocol}" : $"{p.Port}/{p.Protocol}"));
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary>Upstream's EXTERNAL-IP cell.</summary>
    public static string ExternalIpCell(V1Service svc)
    {
        var spec = svc.Spec ?? new V1ServiceSpec();
        var external = spec.ExternalIPs ?? [];
        switch (spec.Type)
        {
            case "ClusterIP" or "NodePort":
                return external.Count > 0 ? string.Join(",", external) : "<none>";
            case "LoadBalancer":
                var lb = (svc.Status?.LoadBalancer?.Ingress ?? [])
                    .Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip : i.Hostname)
                    .Where(s => !string.IsNullOrEmpty(s)).Distinct().ToList();
                if (external.Count > 0)
                {
                    return string.Join(",", lb.Concat(external));
                }

                return lb.Count > 0 ? string.Join(",", lb) : "<pending>";
            case "ExternalName":
                return spec.ExternalName ?? "";
            default:
                return "<unknown>";
        }
    }

    /// <inheritdoc />
    public void PrepareForUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        if (obj is not V1Service svc || old is not V1Service prev || svc.Spec is null || prev.Spec is null)
        {
            return;
        }

        var type = string.IsNullOrEmpty(svc.Spec.Type) ? "ClusterIP" : svc.Spec.Type;
        if (type == "ExternalName")
        {
            return;
        }

        if (string.IsNullOrEmpty(svc.Spec.ClusterIP) && (svc.Spec.ClusterIPs?.Count ?? 0) == 0)
        {
            svc.Spec.ClusterIP = prev.Spec.ClusterIP;
            svc.Spec.ClusterIPs = prev.Spec.ClusterIPs?.ToList();
        }

        svc.Spec.IpFamilies ??= prev.Spec.IpFamilies?.ToList();
        svc.Spec.IpFamilyPolicy ??= prev.Spec.IpFamilyPolicy;
        if (type is "NodePort" or "LoadBalancer")
        {
            foreach (var p in svc.Spec.Ports ?? [])
            {
                if (p.NodePort is null or 0)
                {
                    p.NodePort = prev.Spec.Ports?.FirstOrDefault(o => o.Port == p.Port && (o.Protocol ?? "TCP") == (p.Protocol ?? "TCP"))?.NodePort;
                }
            }

            svc.Spec.HealthCheckNodePort ??= prev.Spec.HealthCheckNodePort;
        }
    }

    /// <inheritdoc />
    protected override void Default(V1Service obj)
    {
        var spec = obj.Spec ??= new V1ServiceSpec();
        spec.Type = string.IsNullOrEmpty(spec.Type) ? "ClusterIP" : spec.Type;
        spec.SessionAffinity = string.IsNullOrEmpty(spec.SessionAffinity) ? "None" : spec.SessionAffinity;
        if (spec.SessionAffinity == "ClientIP")
        {
            spec.SessionAffinityConfig ??= new V1SessionAffinityConfig();
            spec.SessionAffinityConfig.ClientIP ??= new V1ClientIPConfig();
            spec.SessionAffinityConfig.ClientIP.TimeoutSeconds ??= 10800;
        }

        foreach (var p in spec.Ports ?? [])
        {
            p.Protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol;
            if (p.TargetPort is null || p.TargetPort.Value is null or "" or "0")
            {
                p.TargetPort = p.Port;
            }
        }

        if (spec.Type is "NodePort" or "LoadBalancer" && string.IsNullOrEmpty(spec.ExternalTrafficPolicy))
        {
            spec.ExternalTrafficPolicy = "Cluster";
        }

        if (spec.Type == "LoadBalancer")
        {
            spec.AllocateLoadBalancerNodePorts ??= true;
        }

        if (spec.Type != "ExternalName")
        {
            spec.InternalTrafficPolicy = string.IsNullOrEmpty(spec.InternalTrafficPolicy) ? "Cluster" : spec.InternalTrafficPolicy;
            if (!string.IsNullOrEmpty(spec.ClusterIP) && (spec.ClusterIPs?.Count ?? 0) == 0)
            {
                spec.ClusterIPs = [spec.ClusterIP];
            }

            var headlessWithoutSelector = spec.ClusterIP == "None" && (spec.Selector?.Count ?? 0) == 0;
            spec.IpFamilyPolicy ??= headlessWithoutSelector ? "RequireDualStack" : "SingleStack";
            if ((spec.IpFamilies?.Count ?? 0) == 0)
            {
                spec.IpFamilies = [spec.ClusterIP is { } ip && ip.Contains(':') ? "IPv6" : "IPv4"];
            }
        }

        obj.Status ??= new V1ServiceStatus();
        obj.Status.LoadBalancer ??= new V1LoadBalancerStatus();
    }

    /// <inheritdoc />
    protected override void Validate(V1Service obj, FieldErrors errors) => ServiceValidation.Validate(obj, errors);

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Service obj, V1Service old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (obj.Spec?.Type == "ExternalName" || old.Spec?.Type == "ExternalName")
        {
            return;
        }

        var newIps = obj.Spec?.ClusterIPs ?? [];
        var oldIps = old.Spec?.ClusterIPs ?? [];
        for (var i = 0; i < Math.Min(newIps.Count, oldIps.Count); i++)
        {
            if (!string.IsNullOrEmpty(oldIps[i]) && newIps[i] != oldIps[i])
            {
                errors.Invalid(FieldPath.Root("spec", "clusterIPs").Index(i), newIps, "may not change once set");
            }
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Service obj, DateTimeOffset now) =>
    [
        obj.Metadata?.Name,
        obj.Spec?.Type,
        obj.Spec?.ClusterIPs is { Count: > 0 } ips ? ips[0] : "<none>",
        ExternalIpCell(obj),
        PortsCell(obj.Spec?.Ports),
        AgeOf(obj, now),
        Selectors.FormatLabels(obj.Spec?.Selector),
    ];

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Service obj, IDictionary<string, string> fields)
    {
        fields["spec.clusterIP"] = obj.Spec?.ClusterIP ?? "";
        fields["spec.type"] = obj.Spec?.Type ?? "";
    }
}
