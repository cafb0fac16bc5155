using k8s.Models;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Networking.Proxy;

namespace LocalKube.Node.Networking.Dns;

/// <summary>Cluster DNS's view of the informer caches, with slices indexed by their service.</summary>
public sealed class InformerDnsData : IClusterDnsData
{
    private const string ByService = "service";
    private readonly ISharedInformer<V1Service> _services;
    private readonly ISharedInformer<V1EndpointSlice> _slices;

    /// <summary>Reads <paramref name="services"/> and <paramref name="slices"/> (not yet started).</summary>
    public InformerDnsData(ISharedInformer<V1Service> services, ISharedInformer<V1EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        _services = services;
        _slices = slices;
        slices.AddIndexer(ByService, s => s.Metadata?.Labels?.TryGetValue(ServicePortTable.ServiceNameLabel, out var name) == true
            ? [$"{s.Metadata.NamespaceProperty}/{name}"]
            : []);
    }

    /// <inheritdoc />
    public bool Synced => _services.HasSynced && _slices.HasSynced;

    /// <inheritdoc />
    public V1Service? Service(string ns, string name) => _services.Lister.Get(ns, name);

    /// <inheritdoc />
    public IEnumerable<V1Service> Services() => _services.Lister.List();

    /// <inheritdoc />
    public IEnumerable<V1EndpointSlice> Slices(string ns, string name) => _slices.Lister.ByIndex(ByService, $"{ns}/{name}");

    /// <inheritdoc />
    public IEnumerable<V1EndpointSlice> AllSlices() => _slices.Lister.List();
}
