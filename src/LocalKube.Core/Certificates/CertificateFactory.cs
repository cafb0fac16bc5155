using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Core.Certificates;

/// <summary>Creates the CA and leaf certificates with System.Security.Cryptography only.</summary>
/// <remarks>
/// Certificates use ECDSA P-256 rather than RSA 2048: key generation is instant (RSA takes a noticeable fraction of
/// a second per key on a busy laptop, and a start issues up to three), keys and handshakes are smaller, and every
/// consumer accepts it: kubectl and client-go (Go crypto/tls), etcd, and Kestrel. Keys are stored as unencrypted
/// PKCS#8 (<c>PRIVATE KEY</c>), which Go's <c>tls.X509KeyPair</c> and .NET's <c>CreateFromPem</c> both read.
/// </remarks>
internal static class CertificateFactory
{
    public const string CaCommonName = "localkubeCA";

    // Backdate a little so a node whose clock lags the host's does not reject a brand-new certificate.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static X509Certificate2 CreateCa(DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = NewKey();
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(CaCommonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.Create(
            request.SubjectName,
            X509SignatureGenerator.CreateForECDsa(key),
            now - Backdate,
            now + lifetime,
            NewSerialNumber());
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Issues a leaf signed by <paramref name="ca"/> (which must carry its private key).</summary>
    public static X509Certificate2 CreateLeaf(LeafSpec spec, X509Certificate2 ca, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = NewKey();
        var subject = new X500DistinguishedNameBuilder();
        if (spec.Organization is not null)
        {
            subject.AddOrganizationName(spec.Organization);
        }

        subject.AddCommonName(spec.CommonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        // ECDSA keys sign the handshake; KeyEncipherment only applies to RSA key transport.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([spec.Usage], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (spec.DnsNames.Count > 0 || spec.IpAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in spec.DnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (var ip in spec.IpAddresses)
            {
                san.AddIpAddress(ip);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        // A leaf may not outlive its issuer.
        var caNotAfter = new DateTimeOffset(ca.NotAfter);
        var notAfter = now + lifetime < caNotAfter ? now + lifetime : caNotAfter;
        using var certificate = request.Create(ca, now - Backdate, notAfter, NewSerialNumber());
        return certificate.CopyWithPrivateKey(key);
    }

    public static string ExportKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey();
        return key?.ExportPkcs8PrivateKeyPem()
            ?? throw new InvalidOperationException($"Certificate {certificate.Subject} has no private key.");
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        // Positive and non-zero leading byte: DER integers must be positive, and some parsers dislike padding.
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}
