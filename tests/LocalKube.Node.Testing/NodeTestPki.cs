using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LocalKube.Abstractions.Node;

namespace LocalKube.Node.Testing;

/// <summary>
/// A throwaway cluster PKI, as the CLI makes one (ECDSA P-256): a CA, a serving certificate for 127.0.0.1 and
/// localhost, the admin, a service-account key, and one client certificate per component identity of a node.
/// </summary>
public sealed class NodeTestPki : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly ECDsa _caKey;

    /// <summary>Creates the CA and the server, admin and service-account credentials.</summary>
    public NodeTestPki()
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localkubeCA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Server = Issue("CN=localkube", ServerAuth, san: true, DateTimeOffset.UtcNow.AddHours(12));
        Admin = IssueClient("localkube-admin", ["system:masters"]);
        ServiceAccountKey = RSA.Create(2048);
    }

    /// <summary>The cluster CA.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The API server's serving certificate (127.0.0.1, localhost).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The admin (<c>system:masters</c>).</summary>
    public X509Certificate2 Admin { get; }

    /// <summary>The service-account signing key.</summary>
    public RSA ServiceAccountKey { get; }

    /// <summary>A client certificate for <paramref name="user"/> in <paramref name="groups"/>, valid until <paramref name="notAfter"/> (12 h by default).</summary>
    public X509Certificate2 IssueClient(string user, IReadOnlyList<string> groups, DateTimeOffset? notAfter = null)
    {
        var subject = new StringBuilder();
        foreach (var group in groups)
        {
            subject.Append("O=").Append(group).Append(", ");
        }

        subject.Append("CN=").Append(user);
        return Issue(subject.ToString(), ClientAuth, san: false, notAfter ?? DateTimeOffset.UtcNow.AddHours(12));
    }

    /// <summary>
    /// Writes the agent's <c>--cert-dir</c>: ca.crt, apiserver.crt/.key, sa.key/.pub and the client certificate of
    /// every component identity of <paramref name="nodeName"/> except those in <paramref name="skip"/>.
    /// </summary>
    public void WriteCertDir(string dir, string nodeName, IEnumerable<string>? skip = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.crt"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.key"), Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        // The kubelet API serves with the same loopback certificate (the API server verifies it against ca.crt).
        File.WriteAllText(Path.Combine(dir, "kubelet-server.crt"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "kubelet-server.key"), Server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "sa.key"), ServiceAccountKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "sa.pub"), ServiceAccountKey.ExportSubjectPublicKeyInfoPem());
        var skipped = new HashSet<string>(skip ?? [], StringComparer.Ordinal);
        foreach (var identity in ComponentIdentity.ForNode(nodeName).Where(i => !skipped.Contains(i.Name)))
        {
            WriteClient(dir, identity, null);
        }
    }

    /// <summary>Writes <paramref name="identity"/>'s certificate and key into <paramref name="dir"/> (e.g. an expired one).</summary>
    public void WriteClient(string dir, ComponentIdentity identity, DateTimeOffset? notAfter)
    {
        ArgumentNullException.ThrowIfNull(identity);
        using var certificate = IssueClient(identity.UserName, identity.Groups, notAfter);
        File.WriteAllText(Path.Combine(dir, identity.CertificateFile), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, identity.KeyFile), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A kubeconfig with the CA and <paramref name="client"/> (the admin by default) embedded, for kubectl.</summary>
    public string WriteKubeconfig(string path, Uri server, X509Certificate2? client = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        client ??= Admin;
        static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {server.ToString().TrimEnd('/')}
                certificate-authority-data: {B64(Ca.ExportCertificatePem())}
            users:
            - name: test
              user:
                client-certificate-data: {B64(client.ExportCertificatePem())}
                client-key-data: {B64(client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: test
              context:
                cluster: test
                user: test
            current-context: test
            """;
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Admin.Dispose();
        ServiceAccountKey.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Issue(string subject, Oid usage, bool san, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        if (notAfter <= notBefore)
        {
            notBefore = notAfter.AddHours(-1);
        }

        using var signed = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), notBefore, notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }
}
