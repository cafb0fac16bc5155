using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The seed workshop ("orchestrate with Kubernetes", rewritten for apps/v1) as files under <c>workshop/</c>: the
/// manifests, nginx configurations and stand-in images the E2E test applies with the real kubectl, readable as the
/// tutorial's steps (see <c>workshop/README.md</c>).
/// </summary>
public static class Workshop
{
    /// <summary>The folder copied next to the test assembly.</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "workshop");

    /// <summary>A file of the workshop, e.g. <c>pods/monolith.yaml</c>.</summary>
    public static string File(string relative) => Path.Combine(Root, relative);

    /// <summary>
    /// Writes the workshop's <c>tls/</c> folder (<c>cert.pem</c>, <c>key.pem</c>: a fresh self-signed certificate,
    /// so no private key lives in the repository) and returns the certificate, to recognise it on the wire.
    /// </summary>
    public static X509Certificate2 WriteTls(string folder)
    {
        Directory.CreateDirectory(folder);
        // ECDSA P-256: the stand-in nginx starts openssl per connection, and an EC key loads and signs fast.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localkube-workshop", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        System.IO.File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        System.IO.File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }
}
