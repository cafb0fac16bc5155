using k8s.Models;

namespace LocalKube.Node.Networking.Dns;

/// <summary>What cluster DNS reads: Services and their EndpointSlices (informer caches in the agent).</summary>
public interface IClusterDnsData
{
    /// <summary>Whether the caches have synced (before that, cluster names get SERVFAIL, as CoreDNS).</summary>
    bool Synced { get; }

    /// <summary>The service <paramref name="name"/> in <paramref name="ns"/>, or null.</summary>
    V1Service? Service(string ns, string name);

    /// <summary>Every service.</summary>
    IEnumerable<V1Service> Services();

    /// <summary>The EndpointSlices of service <paramref name="ns"/>/<paramref name="name"/>.</summary>
    IEnumerable<V1EndpointSlice> Slices(string ns, string name);

    /// <summary>Every EndpointSlice.</summary>
    IEnumerable<V1EndpointSlice> AllSlices();
}
