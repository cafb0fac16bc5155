using System.Net;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 endpoints (stored under <c>services/endpoints</c>, as upstream).</summary>
public sealed class EndpointsStrategy : ResourceStrategy<V1Endpoints>
{
    private static readonly IReadOnlyList<TableColumn> EndpointColumns =
    [
        Cols.Name,
        Cols.Text("Endpoints", "The set of all endpoints is the union of all subsets."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public EndpointsStrategy()
        : base(Descriptors.Of("", "v1", "Endpoints", "endpoints", true, shortNames: ["ep"]), "services/endpoints", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => EndpointColumns;

    /// <summary>Upstream's ENDPOINTS cell: up to three <c>ip:port</c> entries, then <c>+ N more...</c>.</summary>
    public static string EndpointsCell(V1Endpoints obj)
    {
        if (obj.Subsets is null || obj.Subsets.Count == 0)
        {
            return "<none>";
        }

        const int max = 3;
        var list = new List<string>();
        var count = 0;
        var more = false;
        foreach (var ss in obj.Subsets)
        {
            var addresses = ss.Addresses ?? [];
            if (ss.Ports is null || ss.Ports.Count == 0)
            {
                count += addresses.Count;
                foreach (var a in addresses)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }

                    list.Add(a.Ip);
                }

                continue;
            }

            foreach (var port in ss.Ports)
            {
                count += addresses.Count;
                foreach (var a in addresses)
                {
                    if (list.Count == max)
                    {
                        more = true;
                        break;
                    }

                    list.Add(a.Ip.Contains(':') ? $"[{a.Ip}]:{port.Port}" : $"{a.Ip}:{port.Port}");
                }
            }
        }

        var joined = string.Join(",", list);
        return more ? $"{joined} + {count - max} more..." : joined;
    }

    /// <inheritdoc />
    protected override void Default(V1Endpoints obj)
    {
        foreach (var port in (obj.Subsets ?? []).SelectMany(s => s.Ports ?? []))
        {
            port.Protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1Endpoints obj, FieldErrors errors)
    {
        for (var i = 0; i < (obj.Subsets?.Count ?? 0); i++)
        {
            var ss = obj.Subsets![i];
            var p = FieldPath.Root("subsets").Index(i);
            Addresses(ss.Addresses, p.Child("addresses"), errors);
            Addresses(ss.NotReadyAddresses, p.Child("notReadyAddresses"), errors);
            for (var j = 0; j < (ss.Ports?.Count ?? 0); j++)
            {
                var port = ss.Ports![j];
                var pp = p.Child("ports").Index(j);
                if (ss.Ports.Count > 1 && string.IsNullOrEmpty(port.Name))
                {
                    errors.Required(pp.Child("name"));
                }
                else if (!string.IsNullOrEmpty(port.Name))
                {
                    errors.InvalidEach(pp.Child("name"), port.Name, Names.Dns1123Label(port.Name));
                }

                errors.InvalidEach(pp.Child("port"), port.Port, Names.PortNumber(port.Port));
                ContainerValidation.OneOf(port.Protocol, ContainerValidation.Protocols, pp.Child("protocol"), errors);
            }
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1Endpoints obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Endpoints obj, DateTimeOffset now) => [obj.Metadata?.Name, EndpointsCell(obj), AgeOf(obj, now)];

    private static void Addresses(IList<V1EndpointAddress>? addresses, FieldPath path, FieldErrors errors)
    {
        for (var i = 0; i < (addresses?.Count ?? 0); i++)
        {
            var ip = addresses![i].Ip;
            if (string.IsNullOrEmpty(ip) || !IPAddress.TryParse(ip, out _))
            {
                errors.Invalid(path.Index(i).Child("ip"), ip ?? "", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
            }
        }
    }
}
