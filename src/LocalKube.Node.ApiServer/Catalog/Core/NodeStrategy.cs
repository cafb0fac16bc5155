using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 nodes (cluster-scoped; stored under <c>minions</c>, as upstream).</summary>
public sealed class NodeStrategy : ResourceStrategy<V1Node>
{
    private static readonly IReadOnlyList<TableColumn> NodeColumns =
    [
        Cols.Name,
        Cols.Text("Status", "The status of the node"),
        Cols.Text("Roles", "The roles of the node"),
        Cols.Age,
        Cols.Text("Version", "Kubelet Version reported by the node."),
        Cols.Text("Internal-IP", "List of addresses reachable to the node.", 1),
        Cols.Text("External-IP", "List of addresses reachable to the node.", 1),
        Cols.Text("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        Cols.Text("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        Cols.Text("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public NodeStrategy()
        : base(Descriptors.Of("", "v1", "Node", "nodes", false, shortNames: ["no"], subresources:
            [
                new ApiSubresourceDescriptor("proxy", Descriptors.ProxyVerbs) { Kind = "NodeProxyOptions" },
                Descriptors.Status,
            ]), "minions", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => NodeColumns;

    /// <summary>Roles from <c>node-role.kubernetes.io/&lt;role&gt;</c> and <c>kubernetes.io/role</c> labels, sorted.</summary>
    public static string RolesCell(V1Node node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in node.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            if (k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) && k.Length > "node-role.kubernetes.io/".Length)
            {
                roles.Add(k["node-role.kubernetes.io/".Length..]);
            }
            else if (k == "kubernetes.io/role" && !string.IsNullOrEmpty(v))
            {
                roles.Add(v);
            }
        }

        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    /// <summary>Ready, NotReady or Unknown, with <c>,SchedulingDisabled</c> for cordoned nodes.</summary>
    public static string StatusCell(V1Node node)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var status = ready is null ? "Unknown" : ready.Status == "True" ? "Ready" : "NotReady";
        return node.Spec?.Unschedulable == true ? status + ",SchedulingDisabled" : status;
    }

    /// <inheritdoc />
    protected override void Validate(V1Node obj, FieldErrors errors)
    {
        var taints = obj.Spec?.Taints ?? [];
        var seen = new HashSet<(string?, string?)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var t = taints[i];
            var p = FieldPath.Root("spec", "taints").Index(i);
            errors.InvalidEach(p.Child("key"), t.Key ?? "", Names.QualifiedName(t.Key ?? ""));
            if (!string.IsNullOrEmpty(t.Value))
            {
                errors.InvalidEach(p.Child("value"), t.Value, Names.LabelValue(t.Value));
            }

            ContainerValidation.OneOf(t.Effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"], p.Child("effect"), errors);
            if (!seen.Add((t.Key, t.Effect)))
            {
                errors.Duplicate(p, new GoValue.Verbatim($"core.Taint{{Key:{GoValue.Quote(t.Key ?? "")}, Value:{GoValue.Quote(t.Value ?? "")}, Effect:{GoValue.Quote(t.Effect ?? "")}, TimeAdded:<nil>}}"));
            }
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Node obj, V1Node old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (!string.IsNullOrEmpty(old.Spec?.PodCIDR) && obj.Spec?.PodCIDR != old.Spec.PodCIDR)
        {
            errors.Forbidden(FieldPath.Root("spec", "podCIDRs"), "node updates may not change podCIDR except from \"\" to valid");
        }

        if (!string.IsNullOrEmpty(old.Spec?.ProviderID) && obj.Spec?.ProviderID != old.Spec.ProviderID)
        {
            errors.Forbidden(FieldPath.Root("spec", "providerID"), "node updates may not change providerID except from \"\" to valid");
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1Node obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Node obj, DateTimeOffset now)
    {
        var info = obj.Status?.NodeInfo;
        string Address(string type) => obj.Status?.Addresses?.FirstOrDefault(a => a.Type == type)?.Address ?? "<none>";
        static string Known(string? s) => string.IsNullOrEmpty(s) ? "<unknown>" : s;
        return
        [
            obj.Metadata?.Name, StatusCell(obj), RolesCell(obj), AgeOf(obj, now), info?.KubeletVersion ?? "",
            Address("InternalIP"), Address("ExternalIP"), Known(info?.OsImage), Known(info?.KernelVersion), Known(info?.ContainerRuntimeVersion),
        ];
    }

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Node obj, IDictionary<string, string> fields) =>
        fields["spec.unschedulable"] = obj.Spec?.Unschedulable == true ? "true" : "false";
}
