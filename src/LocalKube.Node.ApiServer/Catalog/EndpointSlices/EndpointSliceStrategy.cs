using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.EndpointSlices;

/// <summary>discovery.k8s.io/v1 endpoint slices; generation tracks address type, endpoints and ports.</summary>
public sealed class EndpointSliceStrategy : ResourceStrategy<V1EndpointSlice>
{
    /// <summary>Supported address types, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> AddressTypes = ["FQDN", "IPv4", "IPv6"];

    private static readonly IReadOnlyList<TableColumn> SliceColumns =
    [
        Cols.Name,
        Cols.Text("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
        Cols.Text("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
        Cols.Text("Endpoints", "endpoints is a list of unique endpoints in this slice."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public EndpointSliceStrategy()
        : base(Descriptors.Of("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true), "endpointslices", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => SliceColumns;

    /// <inheritdoc />
    protected override void Default(V1EndpointSlice obj)
    {
        foreach (var port in obj.Ports ?? [])
        {
            port.Name ??= "";
            port.Protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1EndpointSlice obj, FieldErrors errors)
    {
        ContainerValidation.OneOf(obj.AddressType, AddressTypes, FieldPath.Root("addressType"), errors);
        for (var i = 0; i < (obj.Endpoints?.Count ?? 0); i++)
        {
            var ep = obj.Endpoints![i];
            var p = FieldPath.Root("endpoints").Index(i);
            if (ep.Addresses is null || ep.Addresses.Count == 0)
            {
                errors.Required(p.Child("addresses"), "must contain at least 1 address");
            }
            else if (ep.Addresses.Count > 100)
            {
                errors.TooMany(p.Child("addresses"), ep.Addresses.Count, 100);
            }

            for (var j = 0; j < (ep.Addresses?.Count ?? 0); j++)
            {
                var address = ep.Addresses![j];
                var ok = obj.AddressType switch
                {
                    "IPv4" => System.Net.IPAddress.TryParse(address, out var ip4) && ip4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork,
                    "IPv6" => System.Net.IPAddress.TryParse(address, out var ip6) && ip6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
                    _ => Names.Dns1123Subdomain(address).Count == 0,
                };
                if (!ok)
                {
                    errors.Invalid(p.Child("addresses").Index(j), address, obj.AddressType == "FQDN"
                        ? "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                        : $"must be a valid {obj.AddressType} address");
                }
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (obj.Ports?.Count ?? 0); i++)
        {
            var port = obj.Ports![i];
            var p = FieldPath.Root("ports").Index(i);
            if (!string.IsNullOrEmpty(port.Name))
            {
                errors.InvalidEach(p.Child("name"), port.Name, Names.Dns1123Label(port.Name));
            }

            if (!names.Add(port.Name ?? ""))
            {
                errors.Duplicate(p.Child("name"), port.Name ?? "");
            }

            if (port.Port is { } n)
            {
                errors.InvalidEach(p.Child("port"), n, Names.PortNumber(n));
            }

            ContainerValidation.OneOf(port.Protocol, ContainerValidation.Protocols, p.Child("protocol"), errors);
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1EndpointSlice obj, V1EndpointSlice old, FieldErrors errors)
    {
        Validate(obj, errors);
        CommonValidation.Immutable(obj.AddressType, old.AddressType, FieldPath.Root("addressType"), errors);
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1EndpointSlice obj) => new object?[] { obj.AddressType, obj.Endpoints, obj.Ports };

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1EndpointSlice obj, DateTimeOffset now)
    {
        var ports = (obj.Ports ?? []).Select(p => p.Port is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : !string.IsNullOrEmpty(p.Name) ? p.Name : "*").ToList();
        var addresses = (obj.Endpoints ?? []).SelectMany(e => e.Addresses ?? []).ToList();
        return [obj.Metadata?.Name, obj.AddressType ?? "", AtMostThree(ports), AtMostThree(addresses), AgeOf(obj, now)];
    }

    private static string AtMostThree(List<string> items)
    {
        if (items.Count > 3)
        {
            return $"{string.Join(",", items.Take(3))} + {items.Count - 3} more...";
        }

        return items.Count == 0 ? "<unset>" : string.Join(",", items);
    }
}
