using System.Net;
using System.Security.Cryptography;

namespace LocalKube.Core.Certificates;

/// <summary>What a leaf certificate must look like; used both to issue it and to decide whether to reuse it.</summary>
internal sealed record LeafSpec(
    string Name,
    string CommonName,
    string? Organization,
    Oid Usage,
    IReadOnlyCollection<string> DnsNames,
    IReadOnlyCollection<IPAddress> IpAddresses)
{
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    public string CertificateFile => Name + ".crt";

    public string KeyFile => Name + ".key";
}
