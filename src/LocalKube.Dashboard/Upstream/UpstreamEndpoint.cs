using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Dashboard.Upstream;

/// <summary>
/// Where the dashboard's API server is and who it is there: the server URL, the CA to trust, and a client
/// certificate or a bearer token. Owns the certificates (dispose it).
/// </summary>
public sealed class UpstreamEndpoint : IDisposable
{
    public UpstreamEndpoint(Uri server, X509Certificate2Collection? trustedCa, X509Certificate2? clientCertificate, string? bearerToken, bool skipTlsVerify = false)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        TrustedCa = trustedCa ?? [];
        ClientCertificate = clientCertificate;
        BearerToken = string.IsNullOrEmpty(bearerToken) ? null : bearerToken;
        SkipTlsVerify = skipTlsVerify;
    }

    /// <summary>The API server, e.g. <c>https://127.0.0.1:38443</c>.</summary>
    public Uri Server { get; }

    /// <summary>The CAs that may sign the server's certificate; empty means the system store.</summary>
    public X509Certificate2Collection TrustedCa { get; }

    /// <summary>The client certificate with its private key, if the user authenticates with one.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>The bearer token, if the user authenticates with one.</summary>
    public string? BearerToken { get; }

    /// <summary>kubeconfig's <c>insecure-skip-tls-verify</c>.</summary>
    public bool SkipTlsVerify { get; }

    public void Dispose()
    {
        ClientCertificate?.Dispose();
        foreach (var ca in TrustedCa)
        {
            ca.Dispose();
        }
    }
}
