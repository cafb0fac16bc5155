using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Abstractions.Node;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// One component's credentials, read from the cert folder and checked before the component may use them: the CA
/// (which pins the API server's certificate), and the component's client certificate and key, which must chain to
/// that CA, be valid now and name the component's identity.
/// </summary>
public sealed class ComponentCredentials
{
    private ComponentCredentials(ComponentIdentity identity, string caPem, string certificatePem, string keyPem, DateTimeOffset notAfter)
    {
        Identity = identity;
        CaPem = caPem;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        NotAfter = notAfter;
    }

    /// <summary>Whose credentials these are.</summary>
    public ComponentIdentity Identity { get; }

    /// <summary>The cluster CA (PEM).</summary>
    public string CaPem { get; }

    /// <summary>The client certificate (PEM).</summary>
    public string CertificatePem { get; }

    /// <summary>The client key (PEM).</summary>
    public string KeyPem { get; }

    /// <summary>When the client certificate expires.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>Loads and checks <paramref name="identity"/>'s credentials from <paramref name="certDir"/>.</summary>
    /// <exception cref="ComponentCredentialsException">Something is missing or wrong; the message names the file.</exception>
    public static ComponentCredentials Load(string certDir, ComponentIdentity identity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(time);
        var caPem = Read(certDir, ApiServerEndpoint.CaFile, identity);
        var certificatePem = Read(certDir, identity.CertificateFile, identity);
        var keyPem = Read(certDir, identity.KeyFile, identity);
        var certificatePath = Path.Combine(certDir, identity.CertificateFile);
        X509Certificate2 ca;
        X509Certificate2 certificate;
        try
        {
            ca = X509Certificate2.CreateFromPem(caPem);
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ComponentCredentialsException($"client certificate {certificatePath} of {identity.UserName} cannot be loaded with its key: {e.Message}", e);
        }

        using (ca)
        using (certificate)
        {
            var now = time.GetUtcNow();
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            if (now >= notAfter)
            {
                throw new ComponentCredentialsException(
                    $"client certificate {certificatePath} of {identity.UserName} expired at {notAfter.ToString("u", CultureInfo.InvariantCulture)}; 'localkube start' reissues it");
            }

            if (now < notBefore)
            {
                throw new ComponentCredentialsException(
                    $"client certificate {certificatePath} of {identity.UserName} is not valid before {notBefore.ToString("u", CultureInfo.InvariantCulture)}");
            }

            var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!string.Equals(commonName, identity.UserName, StringComparison.Ordinal))
            {
                throw new ComponentCredentialsException(
                    $"client certificate {certificatePath} names '{commonName}', not {identity.UserName}; 'localkube start' reissues it");
            }

            if (!ChainsTo(certificate, ca, now))
            {
                throw new ComponentCredentialsException(
                    $"client certificate {certificatePath} of {identity.UserName} is not signed by the cluster CA {Path.Combine(certDir, ApiServerEndpoint.CaFile)}; 'localkube start' reissues it");
            }

            return new ComponentCredentials(identity, caPem, certificatePem, keyPem, notAfter);
        }
    }

    private static string Read(string certDir, string file, ComponentIdentity identity)
    {
        var path = Path.Combine(certDir, file);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ComponentCredentialsException($"{path} (credentials of {identity.UserName}) is missing; 'localkube start' issues it", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComponentCredentialsException($"{path} (credentials of {identity.UserName}) cannot be read: {e.Message}", e);
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }
}
