using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Networking;

/// <summary>networking.k8s.io/v1 network policies.</summary>
public sealed class NetworkPolicyStrategy : ResourceStrategy<V1NetworkPolicy>
{
    private static readonly IReadOnlyList<TableColumn> PolicyColumns =
    [
        Cols.Name,
        Cols.Text("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public NetworkPolicyStrategy()
        : base(Descriptors.Of("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, shortNames: ["netpol"]), "networkpolicies", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => PolicyColumns;

    /// <inheritdoc />
    protected override void Default(V1NetworkPolicy obj)
    {
        var spec = obj.Spec ??= new V1NetworkPolicySpec();
        spec.PodSelector ??= new V1LabelSelector();
        if (spec.PolicyTypes is null || spec.PolicyTypes.Count == 0)
        {
            spec.PolicyTypes = spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];
        }

        foreach (var port in (spec.Ingress ?? []).SelectMany(r => r.Ports ?? []).Concat((spec.Egress ?? []).SelectMany(r => r.Ports ?? [])))
        {
            port.Protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1NetworkPolicy obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1NetworkPolicySpec();
        var path = FieldPath.Root("spec");
        CommonValidation.LabelSelector(spec.PodSelector, path.Child("podSelector"), errors);
        var types = spec.PolicyTypes ?? [];
        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] is not ("Ingress" or "Egress"))
            {
                errors.NotSupported(path.Child("policyTypes").Index(i), types[i], ["Egress", "Ingress"]);
            }
        }

        Rules(spec.Ingress?.Select(r => ((IList<V1NetworkPolicyPort>?)r.Ports, (IList<V1NetworkPolicyPeer>?)r.FromProperty)).ToList(), path.Child("ingress"), "from", errors);
        Rules(spec.Egress?.Select(r => ((IList<V1NetworkPolicyPort>?)r.Ports, (IList<V1NetworkPolicyPeer>?)r.To)).ToList(), path.Child("egress"), "to", errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1NetworkPolicy obj, DateTimeOffset now) =>
        [obj.Metadata?.Name, Selectors.FormatOrNone(obj.Spec?.PodSelector), AgeOf(obj, now)];

    private static void Rules(List<(IList<V1NetworkPolicyPort>? Ports, IList<V1NetworkPolicyPeer>? Peers)>? rules, FieldPath path, string peerField, FieldErrors errors)
    {
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var (ports, peers) = rules![i];
            for (var j = 0; j < (ports?.Count ?? 0); j++)
            {
                var port = ports![j];
                var pp = path.Index(i).Child("ports").Index(j);
                ContainerValidation.OneOf(port.Protocol, ContainerValidation.Protocols, pp.Child("protocol"), errors);
                if (port.Port?.Value is { } value)
                {
                    if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
                    {
                        errors.InvalidEach(pp.Child("port"), n, Names.PortNumber(n));
                    }
                    else
                    {
                        errors.InvalidEach(pp.Child("port"), value, Names.PortName(value));
                    }
                }
            }

            for (var j = 0; j < (peers?.Count ?? 0); j++)
            {
                var peer = peers![j];
                var pp = path.Index(i).Child(peerField).Index(j);
                var count = (peer.PodSelector is null ? 0 : 1) + (peer.NamespaceSelector is null ? 0 : 1) + (peer.IpBlock is null ? 0 : 1);
                if (count == 0)
                {
                    errors.Required(pp, "must specify a peer");
                }
                else if (peer.IpBlock is not null && count > 1)
                {
                    errors.Forbidden(pp, "may not specify both ipBlock and another peer");
                }

                CommonValidation.LabelSelector(peer.PodSelector, pp.Child("podSelector"), errors);
                CommonValidation.LabelSelector(peer.NamespaceSelector, pp.Child("namespaceSelector"), errors);
                if (peer.IpBlock is { } block && string.IsNullOrEmpty(block.Cidr))
                {
                    errors.Required(pp.Child("ipBlock", "cidr"));
                }
            }
        }
    }
}
