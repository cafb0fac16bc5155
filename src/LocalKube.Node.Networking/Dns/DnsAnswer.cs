using ARSoft.Tools.Net.Dns;

namespace LocalKube.Node.Networking.Dns;

/// <summary>What cluster DNS answers for one question, or <see cref="Forward"/> for names it does not own.</summary>
/// <param name="Code">NOERROR (with or without records: NODATA), NXDOMAIN or SERVFAIL.</param>
/// <param name="Answers">The answer section.</param>
/// <param name="Additionals">The additional section (A records of SRV targets).</param>
/// <param name="Authority">The authority section (the zone's SOA on NXDOMAIN and NODATA).</param>
public sealed record DnsAnswer(ReturnCode Code, IReadOnlyList<DnsRecordBase> Answers, IReadOnlyList<DnsRecordBase> Additionals, IReadOnlyList<DnsRecordBase> Authority)
{
    /// <summary>Not a cluster name: ask the upstream resolvers.</summary>
    public static DnsAnswer Forward { get; } = new(ReturnCode.NoError, [], [], []);

    /// <summary>Whether this is <see cref="Forward"/>.</summary>
    public bool IsForward => ReferenceEquals(this, Forward);
}
