using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Core.Cluster;

/// <summary>
/// Probes a node's anonymous health endpoints (<c>/readyz</c>, <c>/livez</c>). It trusts exactly one certificate: the
/// API server certificate this profile issued and handed to the agent. Pinning it is stricter than chain validation
/// (another server with a certificate from the same CA is refused) and needs no chain to validate. SslStream still builds
/// one before calling the callback, and on Linux that loads the machine's root store (about 80 ms of CPU): <c>status</c>
/// points that away (<c>PinnedTrust</c> in the CLI). Dispose it to release the connection.
/// </summary>
public sealed class ApiServerProbe : IDisposable
{
    private readonly HttpClient _http;
    private readonly byte[] _expectedServerCertificate;
    private readonly TimeProvider _time;

    /// <param name="server">The API server URL.</param>
    /// <param name="serverCertificatePem">The one certificate the server may present.</param>
    /// <param name="time">The clock of <see cref="WaitReadyAsync"/> (system clock by default).</param>
    public ApiServerProbe(Uri server, string serverCertificatePem, TimeProvider? time = null)
    {
        Server = server;
        _time = time ?? TimeProvider.System;
        using (var expected = X509Certificate2.CreateFromPem(serverCertificatePem))
        {
            _expectedServerCertificate = expected.RawData;
        }

        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(_expectedServerCertificate),
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

    /// <summary>
    /// One <c>/readyz?verbose</c>: whether it answered, whether it passed (200), and its per-check body (what
    /// <c>status</c> reads the kubelet's state from). Connection failures are "not answered", never exceptions.
    /// </summary>
    public async Task<ApiServerReadiness> GetReadinessAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/readyz?verbose", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new ApiServerReadiness(true, response.IsSuccessStatusCode, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ApiServerReadiness.Unreachable;
        }
    }

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
        var deadline = _time.GetUtcNow() + timeout;
        var attempt = 0;
        while (_time.GetUtcNow() < deadline)
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

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }

        return false;
    }

    public void Dispose() => _http.Dispose();

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
}
