using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>A throwaway PKI made with CertificateRequest: a CA, a serving cert for 127.0.0.1, client certs, SA keys.</summary>
internal sealed class TestPki : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    public TestPki(string caName = "localkubeCA")
    {
        using var caKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Server = Issue("CN=apiserver", ServerAuth, san: true);
        Admin = IssueClient("admin", "system:masters");
        ServiceAccountKey = RSA.Create(2048);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Admin { get; }

    public RSA ServiceAccountKey { get; }

    public X509Certificate2 IssueClient(string user, params string[] groups)
    {
        var subject = new StringBuilder();
        foreach (var group in groups)
        {
            subject.Append("O=").Append(group).Append(", ");
        }

        subject.Append("CN=").Append(user);
        return Issue(subject.ToString(), ClientAuth, san: false);
    }

    /// <summary>
    /// Writes the --cert-dir files of docs/design.md, with the client certificate of every component identity of
    /// <paramref name="nodeName"/> (ECDSA, quick to make), so the agent's kubelet and controllers may start.
    /// </summary>
    public void WriteCertDir(string dir, string nodeName = "test-node")
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.crt"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.key"), Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "sa.key"), ServiceAccountKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "sa.pub"), ServiceAccountKey.ExportSubjectPublicKeyInfoPem());
        using var caKey = Ca.GetRSAPrivateKey()!;
        foreach (var identity in LocalKube.Abstractions.Node.ComponentIdentity.ForNode(nodeName))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = string.Concat(identity.Groups.Select(g => $"O={g}, ")) + "CN=" + identity.UserName;
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f;
            using var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
                DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
            File.WriteAllText(Path.Combine(dir, identity.CertificateFile), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, identity.KeyFile), key.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>A kubeconfig with embedded CA and client certificate, for KubernetesClient and kubectl.</summary>
    public string WriteKubeconfig(string path, int port, X509Certificate2? client = null)
    {
        client ??= Admin;
        static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: https://127.0.0.1:{port}
                certificate-authority-data: {B64(Ca.ExportCertificatePem())}
            users:
            - name: test
              user:
                client-certificate-data: {B64(client.ExportCertificatePem())}
                client-key-data: {B64(client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem())}
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

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Admin.Dispose();
        ServiceAccountKey.Dispose();
    }

    private X509Certificate2 Issue(string subject, Oid usage, bool san)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
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
        using var signed = request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        return signed.CopyWithPrivateKey(key);
    }
}
