using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Abstractions.Node;
using LocalKube.Core.IO;
using LocalKube.Core.Paths;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Core.Certificates;

/// <summary>
/// Issues and renews a profile's certificates in <c>profiles/&lt;p&gt;/certs/</c>: a CA, the API server's serving
/// certificate, the admin client certificate, one client certificate per node component (kubelet, scheduler,
/// controller manager, proxy: <see cref="ComponentIdentity"/>) and the service-account key pair.
/// </summary>
/// <remarks>
/// Each profile has its own CA (unlike minikube's shared one), so deleting a profile revokes everything it issued.
/// <see cref="EnsureAsync"/> is idempotent and cheap when nothing changed: kubeconfigs and running nodes keep
/// working across starts because nothing valid is ever replaced.
/// </remarks>
public sealed partial class Pki(LocalKubePaths paths, TimeProvider timeProvider, ILogger<Pki>? logger = null)
{
    /// <summary>Lifetime of the CA.</summary>
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    /// <summary>Lifetime of leaf certificates (minikube's default <c>--cert-expiration</c>).</summary>
    public static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(3 * 365);

    /// <summary>Certificates expiring sooner than this are reissued.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The in-cluster address of the <c>kubernetes</c> service (first IP of the 10.96.0.0/12 service range).</summary>
    public static readonly IPAddress KubernetesServiceIp = IPAddress.Parse("10.96.0.1");

    private readonly ILogger _logger = logger ?? NullLogger<Pki>.Instance;

    /// <summary>
    /// Makes sure every certificate and key of <paramref name="profile"/> exists and is valid, reusing what is, and
    /// returns them.
    /// </summary>
    /// <param name="profile">The profile; its name is also a SAN of the API server certificate.</param>
    /// <param name="nodeAddresses">
    /// The node's addresses (IPs or host names, e.g. <c>NodeEndpoint.Addresses</c> and extra machine names), added
    /// to the API server certificate's SANs.
    /// </param>
    /// <param name="cancellationToken">Cancels the file IO.</param>
    public Task<ProfileCertificates> EnsureAsync(string profile, IEnumerable<string> nodeAddresses, CancellationToken cancellationToken) =>
        EnsureAsync(profile, profile, nodeAddresses, cancellationToken);

    /// <summary>
    /// Makes sure every certificate and key of <paramref name="profile"/> exists and is valid, reusing what is, and
    /// returns them; the kubelet's certificate names <paramref name="nodeName"/> (<c>system:node:&lt;node&gt;</c>).
    /// </summary>
    /// <param name="profile">The profile; its name is also a SAN of the API server certificate.</param>
    /// <param name="nodeName">The node's name (the machine name), whose kubelet identity is issued.</param>
    /// <param name="nodeAddresses">The node's addresses, added to the API server certificate's SANs.</param>
    /// <param name="cancellationToken">Cancels the file IO.</param>
    public async Task<ProfileCertificates> EnsureAsync(string profile, string nodeName, IEnumerable<string> nodeAddresses, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(nodeAddresses);
        var directory = paths.EnsureDirectory(paths.CertsDirectory(profile));
        var now = timeProvider.GetUtcNow();
        var issued = new List<string>();

        using var ca = await EnsureCaAsync(directory, now, issued, cancellationToken);
        var caRenewed = issued.Count > 0;

        var apiServer = ApiServerSpec(profile, nodeAddresses);
        var admin = new LeafSpec("admin", "localkube-admin", "system:masters", LeafSpec.ClientAuth, [], []);
        await EnsureLeafAsync(directory, apiServer, ca, caRenewed, now, issued, cancellationToken);
        await EnsureLeafAsync(directory, admin, ca, caRenewed, now, issued, cancellationToken);
        var components = new List<ComponentCertificate>();
        foreach (var identity in ComponentIdentity.ForNode(nodeName))
        {
            // Existing profiles get the certificates they lack at their next start; the CA key never leaves the host.
            var spec = new LeafSpec(identity.Name, identity.UserName, identity.Groups.Count > 0 ? identity.Groups[0] : null, LeafSpec.ClientAuth, [], []);
            await EnsureLeafAsync(directory, spec, ca, caRenewed, now, issued, cancellationToken);
            components.Add(new ComponentCertificate(
                identity,
                await ReadAsync(directory, identity.CertificateFile, cancellationToken),
                await ReadAsync(directory, identity.KeyFile, cancellationToken)));
        }

        // The kubelet API's serving certificate, so the API server can verify the kubelet it proxies to.
        var serving = ComponentIdentity.KubeletServing(nodeName);
        var nodeIps = nodeAddresses.Select(a => IPAddress.TryParse(a.Trim(), out var ip) ? ip : null).OfType<IPAddress>();
        var servingSpec = new LeafSpec(serving.Name, serving.UserName, serving.Groups[0], LeafSpec.ServerAuth,
            ["localhost", nodeName], [.. new[] { IPAddress.Loopback }.Concat(nodeIps).Distinct()]);
        await EnsureLeafAsync(directory, servingSpec, ca, caRenewed, now, issued, cancellationToken);
        components.Add(new ComponentCertificate(
            serving,
            await ReadAsync(directory, serving.CertificateFile, cancellationToken),
            await ReadAsync(directory, serving.KeyFile, cancellationToken)));

        await EnsureServiceAccountKeyAsync(directory, issued, cancellationToken);

        foreach (var what in issued)
        {
            Log.Issued(_logger, profile, what);
        }

        return new ProfileCertificates(
            directory,
            await ReadAsync(directory, PkiFileNames.CaCertificate, cancellationToken),
            await ReadAsync(directory, PkiFileNames.ApiServerCertificate, cancellationToken),
            await ReadAsync(directory, PkiFileNames.ApiServerKey, cancellationToken),
            await ReadAsync(directory, PkiFileNames.AdminCertificate, cancellationToken),
            await ReadAsync(directory, PkiFileNames.AdminKey, cancellationToken),
            await ReadAsync(directory, PkiFileNames.ServiceAccountKey, cancellationToken),
            await ReadAsync(directory, PkiFileNames.ServiceAccountPublicKey, cancellationToken),
            issued)
        {
            Components = components,
        };
    }

    private static LeafSpec ApiServerSpec(string profile, IEnumerable<string> nodeAddresses)
    {
        var dns = new List<string>
        {
            "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", profile,
        };
        var ips = new List<IPAddress> { IPAddress.Loopback, KubernetesServiceIp };
        foreach (var address in nodeAddresses.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()))
        {
            if (IPAddress.TryParse(address, out var ip))
            {
                if (!ips.Contains(ip))
                {
                    ips.Add(ip);
                }
            }
            else if (!dns.Contains(address, StringComparer.OrdinalIgnoreCase))
            {
                dns.Add(address);
            }
        }

        return new LeafSpec("apiserver", "localkube", null, LeafSpec.ServerAuth, dns, ips);
    }

    private async Task<X509Certificate2> EnsureCaAsync(string directory, DateTimeOffset now, List<string> issued, CancellationToken cancellationToken)
    {
        var existing = CertificateInspector.TryLoad(
            await TryReadAsync(directory, PkiFileNames.CaCertificate, cancellationToken),
            await TryReadAsync(directory, PkiFileNames.CaKey, cancellationToken),
            out var problem);
        problem ??= CertificateInspector.CheckExpiry(existing!, now, RenewBefore);
        if (problem is null)
        {
            return existing!;
        }

        existing?.Dispose();
        var ca = CertificateFactory.CreateCa(now, CaLifetime);
        await WriteAsync(directory, PkiFileNames.CaKey, CertificateFactory.ExportKeyPem(ca), AtomicFile.Private, cancellationToken);
        await WriteAsync(directory, PkiFileNames.CaCertificate, ca.ExportCertificatePem(), AtomicFile.Public, cancellationToken);
        issued.Add($"{PkiFileNames.CaCertificate}: {problem}");
        return ca;
    }

    private async Task EnsureLeafAsync(
        string directory, LeafSpec spec, X509Certificate2 ca, bool caRenewed, DateTimeOffset now, List<string> issued, CancellationToken cancellationToken)
    {
        using var existing = CertificateInspector.TryLoad(
            await TryReadAsync(directory, spec.CertificateFile, cancellationToken),
            await TryReadAsync(directory, spec.KeyFile, cancellationToken),
            out var problem);
        if (existing is not null)
        {
            problem = caRenewed ? "the CA was reissued" : null;
            problem ??= CertificateInspector.CheckExpiry(existing, now, RenewBefore)
                ?? CertificateInspector.CheckIssuedBy(existing, ca)
                ?? CertificateInspector.CheckSubject(existing, spec)
                ?? CertificateInspector.CheckSubjectAlternativeNames(existing, spec);
        }

        if (problem is null)
        {
            return;
        }

        using var leaf = CertificateFactory.CreateLeaf(spec, ca, now, LeafLifetime);
        await WriteAsync(directory, spec.KeyFile, CertificateFactory.ExportKeyPem(leaf), AtomicFile.Private, cancellationToken);
        await WriteAsync(directory, spec.CertificateFile, leaf.ExportCertificatePem(), AtomicFile.Public, cancellationToken);
        issued.Add($"{spec.CertificateFile}: {problem}");
    }

    // RSA 2048 because service-account tokens are RS256 JWTs, the one algorithm every Kubernetes client verifies.
    // Reissued only when unusable: a new key invalidates every token already handed out.
    private async Task EnsureServiceAccountKeyAsync(string directory, List<string> issued, CancellationToken cancellationToken)
    {
        var keyPem = await TryReadAsync(directory, PkiFileNames.ServiceAccountKey, cancellationToken);
        var loaded = TryLoadRsa(keyPem);
        using var rsa = loaded ?? RSA.Create(2048);
        if (loaded is null)
        {
            await WriteAsync(directory, PkiFileNames.ServiceAccountKey, rsa.ExportPkcs8PrivateKeyPem(), AtomicFile.Private, cancellationToken);
            issued.Add($"{PkiFileNames.ServiceAccountKey}: {(keyPem is null ? "missing" : "unreadable")}");
        }

        var publicPem = rsa.ExportSubjectPublicKeyInfoPem();
        var existingPublic = await TryReadAsync(directory, PkiFileNames.ServiceAccountPublicKey, cancellationToken);
        if (!string.Equals(existingPublic?.Trim(), publicPem.Trim(), StringComparison.Ordinal))
        {
            await WriteAsync(directory, PkiFileNames.ServiceAccountPublicKey, publicPem, AtomicFile.Public, cancellationToken);
            issued.Add($"{PkiFileNames.ServiceAccountPublicKey}: {(existingPublic is null ? "missing" : "does not match sa.key")}");
        }
    }

    private static RSA? TryLoadRsa(string? pem)
    {
        if (pem is null)
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize >= 2048)
            {
                return rsa;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
        }

        rsa.Dispose();
        return null;
    }

    private static async Task<string?> TryReadAsync(string directory, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(Path.Combine(directory, name), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<PemFile> ReadAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, name);
        return new PemFile(path, await File.ReadAllTextAsync(path, cancellationToken));
    }

    private static Task WriteAsync(string directory, string name, string pem, UnixFileMode mode, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(directory, name), pem, mode, cancellationToken);

    private static partial class Log
    {
        // Next free EventId: 102.
        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Profile {Profile}: issued {What}")]
        public static partial void Issued(ILogger logger, string profile, string what);
    }
}
