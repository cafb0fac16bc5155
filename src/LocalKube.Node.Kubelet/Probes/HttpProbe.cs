using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// The httpGet probe and hook (<c>k8s: pkg/probe/http</c>): GET with <c>User-Agent: kube-probe/&lt;major.minor&gt;</c>
/// and <c>Accept: */*</c>, TLS unverified, at most 10 KiB of body read, same-host redirects followed up to 10 times;
/// 200-399 passes (an unfollowed 3xx with a warning), anything else fails with the status code, and transport
/// errors fail with Go's wording.
/// </summary>
public sealed class HttpProbe : IDisposable
{
    private const int MaxBody = 10 * 1024;
    private const int MaxRedirects = 10;
    private readonly HttpClient _client;
    private readonly string _userAgent;

    /// <summary>Creates the prober; <paramref name="kubeVersion"/> like <c>1.32</c>.</summary>
    public HttpProbe(string kubeVersion)
    {
        _userAgent = $"kube-probe/{kubeVersion}";
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.Zero,
            PooledConnectionIdleTimeout = TimeSpan.Zero,
            MaxConnectionsPerServer = int.MaxValue,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Probes <paramref name="url"/>.</summary>
    /// <param name="url">The full URL.</param>
    /// <param name="headers">The probe's headers (a Host header overrides the host).</param>
    /// <param name="timeout">timeoutSeconds.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public async Task<ProbeOutcome> ProbeAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(headers);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var current = url;
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
                request.Headers.TryAddWithoutValidation("Accept", "*/*");
                request.Headers.ConnectionClose = true;
                foreach (var (name, value) in headers)
                {
                    if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                    {
                        request.Headers.Host = value;
                        continue;
                    }

                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                var body = await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false);
                if (code is >= 300 and < 400 && response.Headers.Location is { } location && redirects < MaxRedirects)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (next.Host == current.Host)
                    {
                        current = next;
                        continue;
                    }
                }

                if (code is >= 200 and < 400)
                {
                    return code >= 300
                        ? new ProbeOutcome(ProbeVerdict.Warning, $"Probe terminated redirects, Response body: {body}")
                        : ProbeOutcome.Success(body);
                }

                return ProbeOutcome.Failure($"HTTP probe failed with statuscode: {code}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Failure($"Get \"{current}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (HttpRequestException e)
        {
            return ProbeOutcome.Failure($"Get \"{current}\": {GoDialError(current, e)}");
        }
    }

    /// <summary>Go's text for a failed dial, e.g. <c>dial tcp 10.244.0.7:8080: connect: connection refused</c>.</summary>
    public static string GoDialError(Uri url, Exception e)
    {
        ArgumentNullException.ThrowIfNull(url);
        var socket = FindSocketError(e);
        var target = $"{url.Host}:{url.Port}";
        return socket switch
        {
            SocketError.ConnectionRefused => $"dial tcp {target}: connect: connection refused",
            SocketError.HostUnreachable => $"dial tcp {target}: connect: no route to host",
            SocketError.NetworkUnreachable => $"dial tcp {target}: connect: network is unreachable",
            SocketError.TimedOut => $"dial tcp {target}: i/o timeout",
            SocketError.HostNotFound or SocketError.NoData => $"dial tcp: lookup {url.Host}: no such host",
            SocketError.ConnectionReset => "read: connection reset by peer",
            _ when e.InnerException is IOException io => io.Message,
            _ => e.Message,
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static SocketError? FindSocketError(Exception e)
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
        {
            if (x is SocketException s)
            {
                return s.SocketErrorCode;
            }
        }

        return null;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
