using k8s.Models;
using LocalKube.Node.Networking.Dns;

namespace LocalKube.Node.Networking.Tests;

/// <summary>Services and slices held in lists, as the informers would hold them.</summary>
internal sealed class FakeDnsData : IClusterDnsData
{
    private readonly List<V1Service> _services = [];
    private readonly List<V1EndpointSlice> _slices = [];

    /// <summary>hello (ClusterIP 10.96.0.20, one ready endpoint), nginx (headless: web-0 and 10.244.0.8 ready,
    /// 10.244.0.9 not) and ext (ExternalName example.org), all in default.</summary>
    public static FakeDnsData Sample()
    {
        var data = new FakeDnsData();
        data.Add(NewService("default", "hello", "10.96.0.20", ("http", 80)));
        data.Add(NewService("default", "nginx", "None", ("web", 80)));
        data.Add(new V1Service { Metadata = new V1ObjectMeta { Name = "ext", NamespaceProperty = "default" }, Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "example.org" } });
        data.Add(NewSlice("default", "nginx", ("10.244.0.7", "web-0", true), ("10.244.0.8", null, true), ("10.244.0.9", null, false)));
        data.Add(NewSlice("default", "hello", ("10.244.0.3", null, true)));
        return data;
    }

    public bool Synced { get; set; } = true;

    public void Add(V1Service service) => _services.Add(service);

    public void Add(V1EndpointSlice slice) => _slices.Add(slice);

    public V1Service? Service(string ns, string name) => _services.FirstOrDefault(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name == name);

    public IEnumerable<V1Service> Services() => _services;

    public IEnumerable<V1EndpointSlice> Slices(string ns, string name) =>
        _slices.Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Labels["kubernetes.io/service-name"] == name);

    public IEnumerable<V1EndpointSlice> AllSlices() => _slices;

    private static V1Service NewService(string ns, string name, string clusterIp, params (string Name, int Port)[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Ports = ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, Protocol = "TCP" }).ToList() },
    };

    private static V1EndpointSlice NewSlice(string ns, string service, params (string Ip, string? Hostname, bool Ready)[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = service + "-abc", NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = service == "nginx" ? "web" : "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = endpoints.Select(e => new V1Endpoint { Addresses = [e.Ip], Hostname = e.Hostname, Conditions = new V1EndpointConditions { Ready = e.Ready } }).ToList(),
    };
}
