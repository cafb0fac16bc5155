using System.Net.Sockets;
using LocalKube.Dashboard.Security;
using LocalKube.Dashboard.Tests.Streaming;
using LocalKube.Dashboard.Upstream;
using LocalKube.Testing.Fuzz;

namespace LocalKube.Dashboard.Tests.Fuzz;

/// <summary>
/// Sends the dashboard's backend (<see cref="DashboardServer"/> in front of a strict <see cref="FakeApiServer"/>, raw
/// HTTP/1.1 over sockets on 127.0.0.1, no browser) requests built from the page's own and then broken
/// (<see cref="DashboardFuzzRequests"/>). Invariants: every request gets an answer and none is a 5xx; a request
/// without the secret, for another Host, or unsafe from another Origin is refused with a 403 and nothing of it reaches
/// the API server; the secret is never echoed nor sent on to the API server; and <c>/api/healthz</c> answers after
/// every case.
/// </summary>
[TestFixture]
[Category("Fuzz")]
[NonParallelizable]
public sealed class DashboardFuzzTests
{
    private const int Cases = 1_000;

    /// <summary>How long the fresh seed may run in CI (a long session sets LOCALKUBE_FUZZ_SECONDS instead).</summary>
    private static readonly TimeSpan FreshBudget = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(15);

    private FakeApiServer _fake = null!;
    private DashboardServer _dashboard = null!;
    private DashboardSecret _secret = null!;
    private int _case;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _fake = await FakeApiServer.StartAsync(strict: true);
        _secret = DashboardSecret.Create();
        _dashboard = await DashboardServer.StartAsync(new DashboardServerOptions
        {
            Profile = "fuzz",
            Upstream = new UpstreamEndpoint(_fake.Url, null, null, null),
            Secret = _secret,
        }, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _dashboard.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Test]
    public async Task Broken_requests_get_a_4xx_never_a_5xx_and_nothing_passes_the_guard()
    {
        var gen = new FuzzGen<DashboardFuzzRequest>(DashboardFuzzRequests.Generate, r => r.Size);
        var report = await FuzzRun.RunAsync("dashboard", gen, CheckAsync, Cases, r => r.ToString(), FreshBudget);
        Assert.That(report.Outcomes.Keys, Is.SupersetOf(new[]
        {
            "proxy 200", "proxy 404", "can-i 200", "portforwards 200", "portforwards 201", "explain 200", "explain 404", "exec 101", "watch 101",
            "page 200", "info 200", "refused 403", "can-i 400",
        }), "the valid cases were served and the broken ones refused");
    }

    /// <summary>Cases the fuzz target found: each a 4xx Status now, where the first run answered 500 (or 503).</summary>
    [TestCase("/api/can-i", "application/json", "[{", 400, "the body is not valid JSON for this endpoint")]
    [TestCase("/api/can-i", "application/json", "[null]", 400, "each with a verb and a resource")]
    [TestCase("/api/can-i", "text/plain", "[]", 415, "the body must be application/json")]
    [TestCase("/api/can-i", "application/json; charset=x-unknown", "[]", 415, "")]
    [TestCase("/api/portforwards", "application/json", """{"namespace":"demo","kind":"pod","name":"web","port":2147483648}""", 400, "the body is not valid JSON")]
    [TestCase("/api/portforwards", "application/json", """{"namespace":"demo","kind":"pod","name":"web","port":8080,"localPort":{port}}""", 409, "is already in use")]
    [Order(0)] // before the fuzz target has opened forwards up to the limit (then the answer is a 429)
    public async Task Found_by_fuzzing_bad_bodies(string target, string type, string body, int status, string message)
    {
        var answer = await SendAsync(Own("POST", target, [("Content-Type", type)], System.Text.Encoding.UTF8.GetBytes(body)));
        Assert.That(answer?.Status, Is.EqualTo(status), answer?.Text);
        Assert.That(answer!.Text, Does.Contain("\"kind\":\"Status\"").And.Contain(message));
    }

    [Test]
    public async Task Found_by_fuzzing_a_body_past_the_limit_is_413_not_503()
    {
        var answer = await SendAsync(Own("POST", "/api/k8s/api/v1/namespaces/demo/configmaps", [("Content-Type", "application/json"), ("Content-Length", "9000000")], []));
        Assert.That(answer?.Status, Is.EqualTo(413), answer?.Text);
    }

    [TestCase("/api/k8s//api/v1/pods")]
    [TestCase("/api/k8s//version")]
    public async Task Found_by_fuzzing_a_network_path_is_not_proxied(string target)
    {
        // HttpClient read "//api/v1/pods" as host "api": the profile's credentials would have gone there.
        var before = Upstream().Count;
        var answer = await SendAsync(Own("GET", target, [], null));
        Assert.That(answer?.Status, Is.EqualTo(404), answer?.Text);
        Assert.That(Upstream().Skip(before), Is.Empty);
    }

    [Test]
    public async Task The_links_token_is_not_sent_on_to_the_API_server()
    {
        var before = Upstream().Count;
        var answer = await SendAsync(Own("GET", "/api/k8s/api/v1/namespaces?limit=5&TOKEN=" + _secret.Value, [], null));
        Assert.That(answer?.Status, Is.EqualTo(200), answer?.Text);
        Assert.That(Upstream().Skip(before).ToList(), Is.EqualTo(new[] { "GET /api/v1/namespaces?limit=5" }));
    }

    [Test]
    public async Task Found_by_fuzzing_an_exec_offering_a_protocol_twice_is_served()
    {
        var answer = await SendAsync(Own("GET", "/api/exec?namespace=demo&pod=web&command=sh&container=sidecar",
            [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"),
             ("Sec-WebSocket-Protocol", "v5.channel.k8s.io,v5.channel.k8s.io")], null));
        Assert.That(answer?.Status, Is.EqualTo(101), answer?.Text);
    }

    [Test]
    public async Task Found_by_fuzzing_a_proxied_watch_without_events_is_open_at_once()
    {
        // The answer's head, before any event: the fake holds the watch open and sends none.
        var answer = await SendAsync(Own("GET", "/api/k8s/version?watch=true&resourceVersion=10", [("Accept", "*/*"), ("Content-Type", ",,,")], null));
        Assert.That((answer?.Status, answer?.Streaming), Is.EqualTo(((int?)200, (bool?)true)), answer?.Text);
    }

    [Test]
    public async Task Found_by_fuzzing_a_HEAD_watch_does_not_stall_the_next_requests()
    {
        // The fake holds a watch open, HEAD or not, as an API server does; the connection must not go back to the pool.
        var head = await SendAsync(Own("HEAD", "/api/k8s/apis?watch=true&resourceVersion=10", [], null));
        Assert.That(head?.Status, Is.EqualTo(200));
        for (var i = 0; i < 3; i++)
        {
            var next = await SendAsync(Own("GET", "/api/explain/namespaces/demo/pods/nope", [], null));
            Assert.That(next?.Status, Is.EqualTo(404), next?.Text);
        }
    }

    // A request of the page itself: the cookie, the dashboard's Host and its own Origin.
    private static DashboardFuzzRequest Own(string method, string target, (string, string)[] headers, byte[]? body) =>
        new("regression", method, target, FuzzSecret.Cookie, [("Host", "127.0.0.1:{port}"), ("Origin", "http://127.0.0.1:{port}"), .. headers], body, "regression");

    private async Task<string> CheckAsync(DashboardFuzzRequest request)
    {
        var before = Upstream();
        var marker = $"fuzzcase={Interlocked.Increment(ref _case)}";
        var answer = await SendAsync(request, marker);
        if (answer is null)
        {
            throw new AssertionException("the connection closed without an answer");
        }

        if (answer.Status is < 100 or > 599)
        {
            throw new AssertionException($"an answer without a status line: {answer.Text}");
        }

        if (answer.Status >= 500)
        {
            throw new AssertionException($"answered {answer.Status}: {answer.Text}");
        }

        var secret = _secret.Value;
        if (answer.Text.Contains(secret, StringComparison.Ordinal)
            || answer.Headers.Any(h => !h.Name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) && h.Value.Contains(secret, StringComparison.Ordinal)))
        {
            throw new AssertionException($"the answer ({answer.Status}) echoes the secret");
        }

        // What reached the API server during this case, but what an earlier case's proxied request (its marker tells)
        // sent late, after its own answer.
        var sent = Upstream().Skip(before.Count)
            .Where(r => !r.Contains("fuzzcase=", StringComparison.Ordinal) || r.EndsWith(marker, StringComparison.Ordinal) || r.Contains(marker + "&", StringComparison.Ordinal))
            .ToList();
        if (sent.Any(r => r.Contains(secret, StringComparison.Ordinal)))
        {
            throw new AssertionException($"the secret was sent on to the API server: {sent.First(r => r.Contains(secret, StringComparison.Ordinal))}");
        }

        var outcome = $"{request.Endpoint} {answer.Status}";
        if (Refusal(request) is { } why)
        {
            // Kestrel's own refusals of malformed HTTP (400, 413, 414, 431) come before the guard and are no leak either.
            if (answer.Status is not (403 or 400 or 413 or 414 or 431))
            {
                throw new AssertionException($"a request the guard must refuse ({why}) got {answer.Status}: {answer.Text}");
            }

            if (sent.Count > 0)
            {
                throw new AssertionException($"a request the guard must refuse ({why}) reached the API server: {string.Join(", ", sent)}");
            }

            outcome = answer.Status == 403 ? "refused 403" : outcome;
        }

        var probe = new DashboardFuzzRequest("probe", "GET", "/api/healthz", FuzzSecret.Cookie, [("Host", "127.0.0.1:{port}")], null, "probe");
        if (await SendAsync(probe) is not { Status: 200 } health || health.Text != "ok")
        {
            throw new AssertionException($"after this case /api/healthz no longer answers ok ({outcome})");
        }

        return outcome;
    }

    /// <summary>Why the guard must refuse the request (the rules of <see cref="AccessGuard"/>, restated), or null.</summary>
    private static string? Refusal(DashboardFuzzRequest request)
    {
        string[] Values(string name) => [.. request.Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];
        var hosts = Values("Host");
        if (hosts.Length != 1 || !DashboardFuzzRequests.GoodHosts.Contains(hosts[0]))
        {
            return "host";
        }

        // A target that already names a token makes the query's secret ambiguous: no claim either way.
        if (request.Secret == FuzzSecret.Query && request.Target.Contains("token", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (request.Secret is not (FuzzSecret.Cookie or FuzzSecret.Query))
        {
            return "secret";
        }

        var safe = request.Method.Equals("GET", StringComparison.OrdinalIgnoreCase) || request.Method.Equals("HEAD", StringComparison.OrdinalIgnoreCase);
        var upgrade = Values("Upgrade").Any(v => v.Contains("websocket", StringComparison.OrdinalIgnoreCase))
            || Values("Connection").Any(v => v.Contains("upgrade", StringComparison.OrdinalIgnoreCase));
        var origins = Values("Origin");
        var own = origins.Length == 1 && DashboardFuzzRequests.OwnOrigins.Contains(origins[0])
            && !Values("Sec-Fetch-Site").Any(v => v is "cross-site" or "same-site");
        return (!safe || upgrade) && !own ? "origin" : null;
    }

    // What reached the API server, without the dashboard's own health probes.
    private List<string> Upstream() => [.. _fake.Requests.Where(r => !r.StartsWith("GET /readyz", StringComparison.Ordinal))];

    private async Task<RawAnswer?> SendAsync(DashboardFuzzRequest request, string? marker = null)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(AnswerWait);
        await client.ConnectAsync("127.0.0.1", _dashboard.Port, timeout.Token);
        await using var stream = client.GetStream();
        return await RawHttp.ExchangeAsync(stream, request.Encode(_dashboard.Port, _secret.Value, marker), Linger, AnswerWait, timeout.Token);
    }
}
