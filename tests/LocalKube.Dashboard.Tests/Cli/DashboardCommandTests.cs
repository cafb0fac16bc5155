using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace LocalKube.Dashboard.Tests.Cli;

/// <summary><c>localkube dashboard</c> as a user runs it: the link, the local security, a second run, a busy port, Ctrl+C.</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class DashboardCommandTests
{
    private LocalCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Cluster() => _cluster = await LocalCluster.SharedAsync();

    [Test]
    public async Task PrintedLink_OpensThePage_AndIsSwappedForAStrictHttpOnlyCookie()
    {
        using var http = NoCookies();
        using var first = await http.GetAsync(_cluster.DashboardUrl);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(first.Headers.Location?.ToString(), Is.EqualTo("/"), "the secret leaves the address bar");
        var cookie = first.Headers.GetValues("Set-Cookie").Single();
        Assert.That(cookie, Does.Contain("httponly").IgnoreCase.And.Contain("samesite=strict").IgnoreCase);

        using var page = await http.SendAsync(WithCookie(HttpMethod.Get, "/", cookie));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<div id=\"root\">"));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'self'"));
        Assert.That(page.Headers.Contains("Access-Control-Allow-Origin"), Is.False, "no CORS");
    }

    [Test]
    public async Task RequestsWithoutTheSecret_OrFromElsewhere_AreRefused()
    {
        using var http = NoCookies();
        var secret = _cluster.DashboardUrl.Query.Split('=')[1];
        var cookie = $"localkube-dashboard-{_cluster.BaseUrl.Port}={secret}";

        async Task<HttpStatusCode> Status(HttpRequestMessage request)
        {
            using (request)
            using (var response = await http.SendAsync(request))
            {
                return response.StatusCode;
            }
        }

        Assert.That(await Status(new HttpRequestMessage(HttpMethod.Get, new Uri(_cluster.BaseUrl, "/"))), Is.EqualTo(HttpStatusCode.Forbidden), "no secret");
        Assert.That(await Status(new HttpRequestMessage(HttpMethod.Get, new Uri(_cluster.BaseUrl, "/api/k8s/api/v1/secrets"))), Is.EqualTo(HttpStatusCode.Forbidden), "no secret, API");
        Assert.That(await Status(new HttpRequestMessage(HttpMethod.Get, new Uri(_cluster.BaseUrl, "/?token=wrong"))), Is.EqualTo(HttpStatusCode.Forbidden), "wrong secret");
        Assert.That(await Status(WithCookie(HttpMethod.Get, "/api/k8s/api/v1/namespaces", cookie)), Is.EqualTo(HttpStatusCode.OK), "the cookie works");

        var rebinding = WithCookie(HttpMethod.Get, "/api/k8s/api/v1/namespaces", cookie);
        rebinding.Headers.Host = "evil.test:" + _cluster.BaseUrl.Port;
        Assert.That(await Status(rebinding), Is.EqualTo(HttpStatusCode.Forbidden), "DNS rebinding: foreign Host");

        Assert.That(await Status(Post(cookie, origin: null)), Is.EqualTo(HttpStatusCode.Forbidden), "a write without Origin");
        Assert.That(await Status(Post(cookie, origin: "http://evil.test")), Is.EqualTo(HttpStatusCode.Forbidden), "a write from another site");
        Assert.That(await Status(Post(cookie, origin: "http://127.0.0.1:1")), Is.EqualTo(HttpStatusCode.Forbidden), "a write from another local port");
        Assert.That(await Status(Post(cookie, origin: _cluster.BaseUrl.GetLeftPart(UriPartial.Authority))), Is.EqualTo(HttpStatusCode.OK), "a write from the page");

        // A WebSocket from another origin is refused; from the dashboard's own, accepted.
        Assert.ThrowsAsync<WebSocketException>(async () => await ConnectWatchAsync(cookie, "http://evil.test"));
        using var own = await ConnectWatchAsync(cookie, _cluster.BaseUrl.GetLeftPart(UriPartial.Authority));
        Assert.That(own.State, Is.EqualTo(WebSocketState.Open));

        // Loopback only, and the secret never reaches the log.
        Assert.That(ListenAddresses(_cluster.BaseUrl.Port), Is.EqualTo(new[] { "127.0.0.1" }));
        Assert.That(_cluster.Dashboard.Stderr, Does.Not.Contain(secret));
    }

    [Test]
    public async Task SecondRun_PrintsTheSameLink_AndExits0()
    {
        var (code, stdout, stderr) = await _cluster.LocalKubeAsync("dashboard", "--url", "-p", _cluster.Profile);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Trim(), Is.EqualTo(_cluster.DashboardUrl.ToString()));
        Assert.That(stderr, Does.Contain("already running"));
    }

    [Test]
    public async Task BusyPort_FailsAtOnce_NamingIt()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, stdout, stderr) = await _cluster.LocalKubeAsync("dashboard", "--url", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-p", _cluster.Profile);
        Assert.That(code, Is.EqualTo(31), stdout + stderr);
        Assert.That(stderr, Does.Contain($"Port {port}").And.Contain("LK_HOST_DASHBOARD_PORT_IN_USE"));
        Assert.That(stdout, Is.Empty, "no link for a dashboard that did not start");
    }

    [Test]
    public async Task UnknownProfile_FailsWithItsReason()
    {
        var (code, _, stderr) = await _cluster.LocalKubeAsync("dashboard", "--url", "-p", "no-such-profile");
        Assert.That(code, Is.EqualTo(85), stderr);
        Assert.That(stderr, Does.Contain("not found"));
    }

    [Test]
    public async Task CtrlC_StopsCleanly_AndTheOpenPageSaysSo()
    {
        using var second = _cluster.StartLocalKube("dashboard", "--url", "--port", "0", "-p", _cluster.Profile);
        var line = await second.WaitForLineAsync(l => l.StartsWith("http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.That(line, Is.Not.Null, second.Stderr);
        var link = new Uri(line!);
        var (context, page) = await DashboardPage.OpenAsync(link);
        await using (context)
        {
            await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("tile-pods")).ToBeVisibleAsync();
            second.Interrupt();
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            {
                await second.Process.WaitForExitAsync(deadline.Token);
            }

            Assert.That(second.Process.ExitCode, Is.Zero, second.Stderr);
            Assert.That(second.Stderr, Does.Contain("dashboard stopped; the cluster keeps running"));
            await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("banner")).ToContainTextAsync("The dashboard stopped");
            Assert.That(ListenAddresses(link.Port), Is.Empty, "the port is closed");
        }

        // The state file now names the stopped dashboard's port: give the shared one back its place.
        await _cluster.StartDashboardAsync();
    }

    private static HttpClient NoCookies() =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private HttpRequestMessage WithCookie(HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, new Uri(_cluster.BaseUrl, path));
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        return request;
    }

    private HttpRequestMessage Post(string cookie, string? origin)
    {
        var request = WithCookie(HttpMethod.Post, "/api/can-i", cookie);
        request.Content = new StringContent("""[{"verb":"get","resource":"pods","namespace":"default"}]""", System.Text.Encoding.UTF8, "application/json");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private async Task<ClientWebSocket> ConnectWatchAsync(string cookie, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_cluster.BaseUrl.Port}/api/watch"), CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The local addresses with a listening TCP socket on <paramref name="port"/> (/proc/net/tcp and tcp6).</summary>
    internal static string[] ListenAddresses(int port)
    {
        var found = new List<string>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var row in File.ReadAllLines(file).Skip(1))
            {
                var cols = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = cols[1].Split(':');
                if (cols[3] != "0A" || Convert.ToInt32(local[1], 16) != port)
                {
                    continue;
                }

                var hex = local[0];
                found.Add(hex.Length == 8
                    ? new IPAddress(BitConverter.GetBytes(Convert.ToUInt32(hex, 16))).ToString()
                    : hex == "00000000000000000000000001000000" ? "::1" : "[" + hex + "]");
            }
        }

        return [.. found.Distinct()];
    }
}
