using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using k8s.Models;

namespace LocalKube.Node.Networking.Dns;

/// <summary>
/// The records of CoreDNS's <c>kubernetes</c> plugin (<c>pods insecure</c>, TTL 5 s; node-reference §10): service A
/// (ClusterIP, or a headless service's ready endpoints), SRV per named port, endpoint records by hostname or dashed
/// IP (which gives StatefulSets' <c>web-0.nginx</c>), pod records <c>a-b-c-d.ns.pod</c>, ExternalName CNAMEs, PTR
/// for ClusterIPs and endpoints. Unknown names get NXDOMAIN, known names without the type NODATA, both with the
/// zone's SOA. Names outside the zone, and PTRs of other addresses, are forwarded.
/// </summary>
public sealed class ClusterDnsResolver(IClusterDnsData data, string zone = NodeNetwork.ClusterDomain)
{
    /// <summary>The TTL of every record (CoreDNS's default).</summary>
    public const int Ttl = 5;

    private static readonly DomainName ReverseV4 = DomainName.Parse("in-addr.arpa");
    private readonly DomainName _zone = DomainName.Parse(zone);

    /// <summary>The answer to <paramref name="question"/>.</summary>
    public DnsAnswer Resolve(DnsQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var name = question.Name;
        if (name.IsEqualOrSubDomainOf(_zone))
        {
            if (!data.Synced)
            {
                return new DnsAnswer(ReturnCode.ServerFailure, [], [], []);
            }

            var labels = name.Labels.Take(name.LabelCount - _zone.LabelCount).Select(l => l.ToLowerInvariant()).ToArray();
            return Zone(question, labels);
        }

        if (question.RecordType == RecordType.Ptr && name.IsSubDomainOf(ReverseV4) && data.Synced)
        {
            return Reverse(question) ?? DnsAnswer.Forward;
        }

        return DnsAnswer.Forward;
    }

    /// <summary>The zone's SOA (<c>ns.dns.cluster.local.</c>, CoreDNS's).</summary>
    public SoaRecord Soa() => new(_zone, Ttl, DomainName.Parse("ns.dns." + _zone), DomainName.Parse("hostmaster." + _zone),
        (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() & 0x7fffffff), 7200, 1800, 86400, Ttl);

    private DnsAnswer Zone(DnsQuestion question, string[] labels)
    {
        switch (labels)
        {
            case []:
                return question.RecordType == RecordType.Soa ? Answer([Soa()]) : NoData();
            case ["svc"] or [_, "svc"] or ["pod"] or [_, "pod"]:
                return NoData();
            case [var service, var ns, "svc"]:
                return ServiceRecords(question, ns, service);
            case [var endpoint, var service, var ns, "svc"]:
                return EndpointRecords(question, ns, service, endpoint);
            case [var port, var proto, var service, var ns, "svc"] when port.StartsWith('_') && proto.StartsWith('_'):
                return Srv(question, ns, service, port[1..], proto[1..]);
            case [var dashed, _, "pod"]:
                return IPAddress.TryParse(dashed.Replace('-', '.'), out var ip) && ip.AddressFamily == AddressFamily.InterNetwork && dashed.Count(c => c == '-') == 3
                    ? Address(question, [ip])
                    : NxDomain();
            default:
                return NxDomain();
        }
    }

    private DnsAnswer ServiceRecords(DnsQuestion question, string ns, string name)
    {
        if (data.Service(ns, name) is not { Spec: { } spec })
        {
            return NxDomain();
        }

        if (spec.Type == "ExternalName")
        {
            return DomainName.TryParse(spec.ExternalName ?? "", out var target)
                ? Answer([new CNameRecord(question.Name, Ttl, target!)])
                : NxDomain();
        }

        if (question.RecordType == RecordType.Srv)
        {
            return Srv(question, ns, name, null, null);
        }

        if (IsHeadless(spec))
        {
            var ready = ReadyEndpoints(ns, name).Select(e => IPAddress.Parse(e.Address)).Distinct().ToList();
            return ready.Count == 0 ? NxDomain() : Address(question, ready);
        }

        return Address(question, [IPAddress.Parse(spec.ClusterIP)]);
    }

    private DnsAnswer EndpointRecords(DnsQuestion question, string ns, string service, string endpoint)
    {
        var match = ReadyEndpoints(ns, service).Where(e => e.Label == endpoint).Select(e => IPAddress.Parse(e.Address)).ToList();
        return match.Count == 0 ? NxDomain() : Address(question, match);
    }

    private DnsAnswer Srv(DnsQuestion question, string ns, string name, string? portName, string? proto)
    {
        if (data.Service(ns, name) is not { Spec: { } spec } || spec.Type == "ExternalName")
        {
            return NxDomain();
        }

        var ports = (spec.Ports ?? []).Where(p => !string.IsNullOrEmpty(p.Name)
            && (portName is null || string.Equals(p.Name, portName, StringComparison.OrdinalIgnoreCase))
            && (proto is null || string.Equals(p.Protocol ?? "TCP", proto, StringComparison.OrdinalIgnoreCase))).ToList();
        if (ports.Count == 0)
        {
            return NxDomain();
        }

        if (question.RecordType != RecordType.Srv)
        {
            // _port._proto names exist (SRV); other types there are NODATA, as CoreDNS.
            return portName is null ? NxDomain() : NoData();
        }

        var serviceName = DomainName.Parse($"{name}.{ns}.svc.{_zone}");
        var answers = new List<DnsRecordBase>();
        var additionals = new List<DnsRecordBase>();
        if (IsHeadless(spec))
        {
            foreach (var endpoint in ReadyEndpoints(ns, name))
            {
                var port = endpoint.Ports.FirstOrDefault(p => ports.Any(sp => sp.Name == p.Name));
                if (port is null)
                {
                    continue;
                }

                var target = DomainName.Parse($"{endpoint.Label}.{name}.{ns}.svc.{_zone}");
                answers.Add(new SrvRecord(question.Name, Ttl, 0, 100, (ushort)(port.Port ?? 0), target));
                additionals.Add(new ARecord(target, Ttl, IPAddress.Parse(endpoint.Address)));
            }

            return answers.Count == 0 ? NxDomain() : new DnsAnswer(ReturnCode.NoError, answers, additionals, []);
        }

        foreach (var port in ports)
        {
            answers.Add(new SrvRecord(question.Name, Ttl, 0, 100, (ushort)port.Port, serviceName));
        }

        additionals.Add(new ARecord(serviceName, Ttl, IPAddress.Parse(spec.ClusterIP)));
        return new DnsAnswer(ReturnCode.NoError, answers, additionals, []);
    }

    private DnsAnswer? Reverse(DnsQuestion question)
    {
        var labels = question.Name.Labels;
        if (labels.Length != 6)
        {
            return null;
        }

        var ip = $"{labels[3]}.{labels[2]}.{labels[1]}.{labels[0]}";
        foreach (var service in data.Services())
        {
            if (service.Spec?.ClusterIP == ip)
            {
                return Answer([new PtrRecord(question.Name, Ttl, DomainName.Parse($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc.{_zone}"))]);
            }
        }

        foreach (var slice in data.AllSlices())
        {
            if (slice.Metadata?.Labels?.TryGetValue(Proxy.ServicePortTable.ServiceNameLabel, out var service) != true)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Addresses?.Contains(ip) == true && (endpoint.Conditions?.Ready ?? true))
                {
                    var label = string.IsNullOrEmpty(endpoint.Hostname) ? ip.Replace('.', '-') : endpoint.Hostname;
                    return Answer([new PtrRecord(question.Name, Ttl, DomainName.Parse($"{label}.{service}.{slice.Metadata.NamespaceProperty}.svc.{_zone}"))]);
                }
            }
        }

        return null;
    }

    private IEnumerable<ReadyEndpoint> ReadyEndpoints(string ns, string service)
    {
        foreach (var slice in data.Slices(ns, service))
        {
            if (slice.AddressType != "IPv4")
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (!(endpoint.Conditions?.Ready ?? true))
                {
                    continue;
                }

                foreach (var address in endpoint.Addresses ?? [])
                {
                    var label = string.IsNullOrEmpty(endpoint.Hostname) ? address.Replace('.', '-') : endpoint.Hostname.ToLowerInvariant();
                    yield return new ReadyEndpoint(address, label, slice.Ports ?? []);
                }
            }
        }
    }

    private static bool IsHeadless(V1ServiceSpec spec) => spec.ClusterIP is null or "" or "None";

    private DnsAnswer Address(DnsQuestion question, IReadOnlyList<IPAddress> addresses)
    {
        return question.RecordType switch
        {
            RecordType.A or RecordType.Any => Answer(addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(a => (DnsRecordBase)new ARecord(question.Name, Ttl, a)).ToList()),
            RecordType.Aaaa => Answer(addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).Select(a => (DnsRecordBase)new AaaaRecord(question.Name, Ttl, a)).ToList()),
            _ => NoData(),
        };
    }

    private DnsAnswer Answer(IReadOnlyList<DnsRecordBase> records) =>
        records.Count == 0 ? NoData() : new DnsAnswer(ReturnCode.NoError, records, [], []);

    private DnsAnswer NoData() => new(ReturnCode.NoError, [], [], [Soa()]);

    private DnsAnswer NxDomain() => new(ReturnCode.NxDomain, [], [], [Soa()]);

    private sealed record ReadyEndpoint(string Address, string Label, IList<Discoveryv1EndpointPort> Ports);
}
