using System.Globalization;
using k8s.Models;
using LocalKube.Node.Networking.Dns;
using LocalKube.Node.Networking.Proxy;

namespace LocalKube.Networking.Bench;

/// <summary>
/// Services and EndpointSlices as the agent's informers would hold them, for both cluster DNS and the proxy:
/// <c>count</c> ClusterIP services over ten namespaces (<c>svc-0000.ns-0</c>, ...), each with one named TCP port and
/// a slice of three ready endpoints; every tenth service is a NodePort. Lookups are dictionaries, as the informers'
/// indexers are, so the resolver's cost is measured rather than a list scan's.
/// </summary>
internal sealed class BenchCluster : IClusterDnsData
{
    public const string PodCidr = "10.244.0.0/16";

    private readonly Dictionary<(string Ns, string Name), V1Service> _services = [];
    private readonly Dictionary<(string Ns, string Name), V1EndpointSlice> _slices = [];

    public BenchCluster(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = (Namespace(i), Name(i));
            _services[key] = NewService(i);
            _slices[key] = NewSlice(i, [PodIp(i, 0), PodIp(i, 1), PodIp(i, 2)]);
        }
    }

    public int Count => _services.Count;

    public bool Synced => true;

    public static string Namespace(int i) => "ns-" + (i % 10).ToString(CultureInfo.InvariantCulture);

    public static string Name(int i) => "svc-" + i.ToString("D4", CultureInfo.InvariantCulture);

    public static string ClusterIp(int i) => $"10.96.{1 + (i / 250)}.{1 + (i % 250)}";

    /// <summary>The fully qualified name of service <paramref name="i"/>.</summary>
    public static string Fqdn(int i) => $"{Name(i)}.{Namespace(i)}.svc.cluster.local";

    public V1Service? Service(string ns, string name) => _services.GetValueOrDefault((ns, name));

    public IEnumerable<V1Service> Services() => _services.Values;

    public IEnumerable<V1EndpointSlice> Slices(string ns, string name) =>
        _slices.TryGetValue((ns, name), out var slice) ? [slice] : Array.Empty<V1EndpointSlice>();

    public IEnumerable<V1EndpointSlice> AllSlices() => _slices.Values;

    /// <summary>Service <paramref name="i"/> gets one more ready endpoint <paramref name="ip"/> (its slice is replaced, as a watch event would).</summary>
    public void AddEndpoint(int i, string ip)
    {
        var key = (Namespace(i), Name(i));
        var addresses = _slices[key].Endpoints.Select(e => e.Addresses[0]).Append(ip).ToArray();
        _slices[key] = NewSlice(i, addresses);
    }

    /// <summary>The proxy's view, exactly as <see cref="ServiceProxyService"/> computes it at each sync.</summary>
    public IReadOnlyList<ServicePortEntry> PortTable() => ServicePortTable.Build(_services.Values, _slices.Values);

    private static string PodIp(int i, int e)
    {
        var n = (i * 3) + e;
        return $"10.244.{n / 250}.{1 + (n % 250)}";
    }

    private static V1Service NewService(int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = Name(i), NamespaceProperty = Namespace(i) },
        Spec = new V1ServiceSpec
        {
            Type = i % 10 == 0 ? "NodePort" : "ClusterIP",
            ClusterIP = ClusterIp(i),
            Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = i % 10 == 0 ? 30000 + (i / 10) : null }],
        },
    };

    private static V1EndpointSlice NewSlice(int i, string[] addresses) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = Name(i) + "-abcde",
            NamespaceProperty = Namespace(i),
            Labels = new Dictionary<string, string> { [ServicePortTable.ServiceNameLabel] = Name(i) },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = addresses.Select(a => new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true } }).ToList(),
    };
}
