using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Core.Cluster;

/// <summary>
/// Talks to a cluster's health endpoints the way kubectl would: trusting only the profile's CA and presenting the admin
/// client certificate. One instance per (server, credentials); dispose it to release the connection pool.
/// </summary>
public sealed class ApiServerProbe : IDisposable
{
    private readonly HttpClient _http;
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _client;

    public ApiServerProbe(Uri server, string caPem, string clientCertPem, string clientKeyPem)
    {
        Server = server;
        _ca = X509Certificate2.CreateFromPem(caPem);
        // Re-import so the private key is usable by SslStream on every platform (ephemeral PEM keys are not).
        using var pem = X509Certificate2.CreateFromPem(clientCertPem, clientKeyPem);
        _client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { _client },
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>The API server URL probed.</summary>
    public Uri Server { get; }

    /// <summary>True when <c>/readyz</c> answers 200. Connection failures are "not ready", never exceptions.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken) => await IsOkAsync("/readyz", cancellationToken);

    /// <summary>True when <c>/livez</c> answers 200.</summary>
    public async Task<bool> IsLiveAsync(CancellationToken cancellationToken) => await IsOkAsync("/livez", cancellationToken);

    /// <summary>The body of <c>/readyz?verbose</c>, for error messages; null when unreachable.</summary>
    public async Task<string?> GetReadyzVerboseAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/readyz?verbose", cancellationToken);
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Polls <c>/readyz</c> until it answers 200, <paramref name="timeout"/> passes (false), or <paramref name="stillAlive"/>
    /// says the agent died (false at once, so a crash is reported without waiting out the timeout).
    /// </summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, Func<CancellationToken, Task<bool>> stillAlive, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var attempt = 0;
        while (DateTime.UtcNow < deadline)
        {
            if (await IsReadyAsync(cancellationToken))
            {
                return true;
            }

            // Asking the driver is slower than an HTTP probe: do it every 10th attempt (about once a second).
            if (++attempt % 10 == 0 && !await stillAlive(cancellationToken))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return false;
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
        _client.Dispose();
    }

    private async Task<bool> IsOkAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(path, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only the profile's CA is trusted, as in the kubeconfig; the host's trust store is not consulted.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf) && (errors & ~(SslPolicyErrors.RemoteCertificateChainErrors)) == SslPolicyErrors.None;
    }
}
