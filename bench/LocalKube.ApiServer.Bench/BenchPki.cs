using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LocalKube.ApiServer.Bench;

/// <summary>A throwaway CA, serving certificate (127.0.0.1) and admin client certificate for one run.</summary>
internal sealed class BenchPki
{
    public BenchPki()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=benchCA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2));
        Server = Issue("CN=apiserver", server: true);
        Admin = Issue("CN=bench,O=system:masters", server: false);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Admin { get; }

    public void WriteCertDir(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ca.crt"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.crt"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "apiserver.key"), Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        using var sa = RSA.Create(2048);
        File.WriteAllText(Path.Combine(dir, "sa.key"), sa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(dir, "sa.pub"), sa.ExportSubjectPublicKeyInfoPem());
    }

    public string WriteKubeconfig(string path, int port)
    {
        static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: bench
              cluster: {"{"}server: "https://127.0.0.1:{port}", certificate-authority-data: {B64(Ca.ExportCertificatePem())}{"}"}
            users:
            - name: bench
              user: {"{"}client-certificate-data: {B64(Admin.ExportCertificatePem())}, client-key-data: {B64(Admin.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem())}{"}"}
            contexts:
            - name: bench
              context: {"{"}cluster: bench, user: bench{"}"}
            current-context: bench
            """);
        return path;
    }

    private X509Certificate2 Issue(string subject, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(8);
        using var cert = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        return cert.CopyWithPrivateKey(key);
    }
}
