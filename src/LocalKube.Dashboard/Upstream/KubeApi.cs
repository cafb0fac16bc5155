using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Dashboard.Upstream;

/// <summary>
/// The dashboard's one connection pool to the API server, authenticated as the profile's user. Plain requests,
/// long-lived watch and log streams, and the exec and port-forward WebSockets all go through here.
/// </summary>
public sealed class KubeApi : IDisposable
{
    /// <summary>The Accept header of <c>kubectl get</c>: server-side printing, JSON as the fallback.</summary>
    public const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

    private readonly UpstreamEndpoint _endpoint;
    private readonly SocketsHttpHandler _handler;

    public KubeApi(UpstreamEndpoint endpoint)
    {
        _endpoint = endpoint;
        _handler = new SocketsHttpHandler
        {
            // Covers the TLS handshake too. A stopped cluster refuses at once, so this only bounds a slow one: 3 s
            // failed the first handshake of a cold process on a loaded machine.
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Watches hold connections for minutes; plenty of room so they never starve plain requests.
            MaxConnectionsPerServer = 256,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            SslOptions = SslOptions(),
        };
        // Every caller passes its own deadline: watches and log follows run for minutes.
        Http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = endpoint.Server, Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("localkube-dashboard/0.1");
        if (endpoint.BearerToken is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.BearerToken);
        }
    }

    /// <summary>The API server's base URL.</summary>
    public Uri Server => _endpoint.Server;

    /// <summary>The authenticated client; requests are relative to <see cref="Server"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Opens a WebSocket to <paramref name="pathAndQuery"/> (exec, attach, port-forward) offering <paramref name="subProtocols"/>
    /// in order. Throws <see cref="ApiStatusException"/> when the server answers the upgrade with an HTTP error, and
    /// <see cref="WebSocketException"/> or <see cref="HttpRequestException"/> when it cannot be reached.
    /// </summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(string pathAndQuery, IEnumerable<string> subProtocols, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            foreach (var protocol in subProtocols)
            {
                socket.Options.AddSubProtocol(protocol);
            }

            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(5);
            if (_endpoint.BearerToken is not null)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + _endpoint.BearerToken);
            }

            if (_endpoint.ClientCertificate is not null)
            {
                socket.Options.ClientCertificates = [_endpoint.ClientCertificate];
            }

            socket.Options.RemoteCertificateValidationCallback = ValidateServer;
            var builder = new UriBuilder(new Uri(_endpoint.Server, pathAndQuery))
            {
                Scheme = _endpoint.Server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            };
            try
            {
                await socket.ConnectAsync(builder.Uri, cancellationToken);
            }
            catch (WebSocketException e) when (socket.HttpStatusCode is not 0 and not System.Net.HttpStatusCode.SwitchingProtocols)
            {
                var code = (int)socket.HttpStatusCode;
                throw new ApiStatusException(code, socket.HttpStatusCode.ToString(), $"the API server refused the upgrade with HTTP {code} ({socket.HttpStatusCode}): {e.Message}");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    private SslClientAuthenticationOptions SslOptions() => new()
    {
        ClientCertificates = _endpoint.ClientCertificate is null ? null : new X509CertificateCollection { _endpoint.ClientCertificate },
        RemoteCertificateValidationCallback = ValidateServer,
    };

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_endpoint.SkipTlsVerify)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        if (_endpoint.TrustedCa.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        // The cluster's own CA, as kubectl trusts certificate-authority-data: the name must still match.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_endpoint.TrustedCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
