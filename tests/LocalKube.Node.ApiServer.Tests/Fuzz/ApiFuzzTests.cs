using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Testing.Fuzz;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>
/// Fuzzes the real agent over HTTPS with mutated requests (<see cref="ApiFuzzRequests"/>) and checks upstream's
/// invariants on every answer: never a 5xx; every refusal a <c>metav1.Status</c> whose code is the HTTP status; a
/// refused write leaves the stored object as it was; <c>/readyz</c> stays ok; the managed heap stays bounded.
/// A fixed seed and a fresh, printed one per run (see <see cref="FuzzRun"/> and docs/testing.md).
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class ApiFuzzTests
{
    /// <summary>Cases per seed in a normal run: all of them for the fixed seed, the fresh one within <see cref="FreshBudget"/>.</summary>
    private const int Cases = 600;

    /// <summary>How long the fresh seed may run in CI (a long session sets LOCALKUBE_FUZZ_SECONDS instead).</summary>
    private static readonly TimeSpan FreshBudget = TimeSpan.FromSeconds(25);

    /// <summary>Growth of the managed heap (after a full collection) the whole run may cause.</summary>
    private const long HeapGrowthLimit = 768L * 1024 * 1024;

    private readonly ErrorCapture _errors = new();
    private TestPki _pki = null!;
    private RunningAgent _agent = null!;
    private HttpClient _http = null!;
    private List<FuzzResource> _resources = null!;
    private long _heapAtStart;
    private long _heapPeak;
    private int _sent;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        // The API server alone: controllers and the kubelet would change the targets between a refused request and
        // the check that it changed nothing (and the kubelet would run the fuzzed pods).
        _agent = await RunningAgent.StartAsync(_pki, services => services.AddSingleton<ILoggerProvider>(_errors),
            extraConfig: [RunningAgent.ApiServerOnly]);
        _http = _agent.CreateClient(_pki.Admin);
        _resources = await DiscoverAsync();
        await SendJsonAsync(HttpMethod.Post, "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ApiFuzzRequests.Namespace + "\"}}");
        foreach (var resource in _resources)
        {
            await EnsureTargetAsync(resource);
        }

        _heapAtStart = GC.GetTotalMemory(forceFullCollection: true);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _agent.DisposeAsync();
        _pki.Dispose();
        _errors.Dispose();
    }

    [Test]
    public async Task Mutated_requests_get_a_4xx_Status_never_a_5xx()
    {
        var gen = new FuzzGen<FuzzRequest>(pcg => ApiFuzzRequests.Generate(pcg, _resources), r => r.Size);
        var report = await FuzzRun.RunAsync("api", gen, CheckAsync, Cases, r => r.ToString(), FreshBudget);
        await AssertReadyAsync();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Progress.WriteLine($"fuzz api: managed heap {_heapAtStart / 1048576} MiB at start, {heap / 1048576} MiB at the end, peak sample {_heapPeak / 1048576} MiB");
        Assert.Multiple(() =>
        {
            Assert.That(report.Outcomes.Keys.Where(k => k.StartsWith('5')), Is.Empty);
            Assert.That(report.Outcomes.Keys.Count(k => k.StartsWith('4')), Is.GreaterThan(5), "the mutations reach many different refusals");
            Assert.That(report.Outcomes.Keys, Does.Contain("201"), "valid seeds are accepted");
            Assert.That(heap - _heapAtStart, Is.LessThan(HeapGrowthLimit));
        });
    }

    private async Task<string> CheckAsync(FuzzRequest request)
    {
        var before = request.Item is null || request.Method == "GET" ? null : await StoredAsync(request.Resource, request.Item);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = null;
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(request.IsWatch ? 5 : 30));
        HttpResponseMessage sent;
        try
        {
            sent = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException) when (request.Path.Length + request.Headers.Sum(h => h.Value.Length) > 8 * 1024)
        {
            // Past Kestrel's request line and header limits (8 KiB, 32 KiB): it answers 414/431 and closes the
            // connection, which the client may see as a reset. The next request must still be served.
            await AssertReadyAsync();
            return "too long for HTTP";
        }
        catch (HttpRequestException) when (request.Body is { Length: > RequestBody.MaxBytes })
        {
            // Past the 3 MiB body limit the server answers 413 from the Content-Length alone and closes the
            // connection while the client may still be sending (Go's net/http does the same), so the client can see
            // a failed write instead of the 413. The next request must still be served.
            await AssertReadyAsync();
            return "413, connection closed while sending";
        }

        using var response = sent;
        var code = (int)response.StatusCode;
        var body = await ReadAsync(response, request.IsWatch && code == 200, timeout.Token);
        if (code >= 500)
        {
            // The cause first: it is what groups failures.
            throw new AssertionException($"answered {code}: {_errors.Drain()}\n{Encoding.UTF8.GetString(body)}");
        }

        if (code >= 400)
        {
            CheckStatus(response, code, body);
            // A bad includeObject is refused when the Table is written, after the write, as upstream does.
            if (before is not null && !Encoding.UTF8.GetString(body).Contains("includeObject: Unsupported value", StringComparison.Ordinal))
            {
                var after = await StoredAsync(request.Resource, request.Item!);
                if (after != before)
                {
                    throw new AssertionException($"a refused request ({code}) changed the stored object:\nbefore {before}\nafter  {after}");
                }
            }
        }
        else if (request.Method != "GET")
        {
            await CleanUpAsync(request, code);
        }

        if (Interlocked.Increment(ref _sent) % 250 == 0)
        {
            await AssertReadyAsync();
            _heapPeak = Math.Max(_heapPeak, GC.GetTotalMemory(forceFullCollection: true));
        }

        return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void CheckStatus(HttpResponseMessage response, int code, byte[] body)
    {
        // Kestrel's own refusals of a malformed HTTP request (header too large, bad framing) carry no Status, as
        // Go's net/http answers those before any handler.
        if (body.Length == 0 && code is 400 or 413 or 414 or 431)
        {
            return;
        }

        // JSON, or protobuf when the Accept list prefers it (upstream encodes a Status as it would the object).
        var type = response.Content.Headers.ContentType?.MediaType;
        JsonNode? root;
        try
        {
            root = type switch
            {
                "application/json" => JsonNode.Parse(body),
                "application/vnd.kubernetes.protobuf" => LocalKube.Node.ApiServer.Protobuf.KubeProtobuf.Decode(body),
                _ => throw new AssertionException($"answered {code} as {type ?? "(no type)"}, not a Status: {Encoding.UTF8.GetString(body)}"),
            };
        }
        catch (Exception e) when (e is JsonException or LocalKube.Node.ApiServer.Rest.StatusException)
        {
            throw new AssertionException($"answered {code} as {type} that does not decode ({e.Message}): {Convert.ToBase64String(body)}");
        }

        if ((string?)root?["kind"] != "Status" || (string?)root["apiVersion"] != "v1" || (string?)root["status"] != "Failure"
            || (int?)root["code"] != code || string.IsNullOrEmpty((string?)root["message"]))
        {
            throw new AssertionException($"answered {code} with a body that is not a Failure Status for that code: {root?.ToJsonString()}");
        }
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, bool watch, CancellationToken ct)
    {
        if (!watch)
        {
            return await response.Content.ReadAsByteArrayAsync(ct);
        }

        // A watch streams until its timeoutSeconds; read what comes for a moment, then hang up.
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cut.CancelAfter(TimeSpan.FromMilliseconds(300));
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, cut.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        return [];
    }

    // A successful write: remove what a create made, put back a deleted target, so the store stays small and the
    // next cases still find their target.
    private async Task CleanUpAsync(FuzzRequest request, int code)
    {
        if (request.Method == "POST" && code is 200 or 201 && request.Item is not null && request.Resource.Can("delete"))
        {
            await SendJsonAsync(HttpMethod.Delete, $"{request.Path.Split('?')[0]}/{request.Item}", null);
        }

        if (request.Method == "DELETE")
        {
            await EnsureTargetAsync(request.Resource);
        }
    }

    private async Task EnsureTargetAsync(FuzzResource resource)
    {
        if (!resource.Can("create") || !resource.Can("get"))
        {
            return;
        }

        var path = $"{resource.Collection(ApiFuzzRequests.Namespace)}/{ApiFuzzRequests.Target}";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var (code, _) = await SendJsonAsync(HttpMethod.Get, path, null);
            if (code == 200)
            {
                var (_, text) = await SendJsonAsync(HttpMethod.Get, path, null);
                if (!text.Contains("\"deletionTimestamp\"", StringComparison.Ordinal))
                {
                    return;
                }

                // Held by a finalizer the fuzzer added: let it go.
                await SendJsonAsync(HttpMethod.Patch, path, """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
            }
            else
            {
                var seed = ApiFuzzSeeds.Object(resource, ApiFuzzRequests.Target, resource.Namespaced ? ApiFuzzRequests.Namespace : null);
                var (created, _) = await SendJsonAsync(HttpMethod.Post, resource.Collection(ApiFuzzRequests.Namespace), seed.ToJsonString());
                if (created is 201 or 200 or 409 || created == 422 && attempt > 0)
                {
                    return;
                }
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The stored object as JSON text, or null when absent.</summary>
    private async Task<string?> StoredAsync(FuzzResource resource, string name)
    {
        // A name past 253 characters names nothing (and a path that long may exceed Kestrel's request line).
        if (!resource.Can("get") || name.Contains('%', StringComparison.Ordinal) || name.Length > 253)
        {
            return null;
        }

        var (code, text) = await SendJsonAsync(HttpMethod.Get, $"{resource.Collection(ApiFuzzRequests.Namespace)}/{name}", null);
        return code == 200 ? text : $"({code})";
    }

    private async Task<(int Code, string Text)> SendJsonAsync(HttpMethod method, string path, string? body, string type = "application/json")
    {
        using var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            message.Content = new StringContent(body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }

        using var response = await _http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertReadyAsync()
    {
        var (code, text) = await SendJsonAsync(HttpMethod.Get, "/readyz", null);
        if (code != 200 || text != "ok")
        {
            throw new AssertionException($"/readyz answered {code}: {text}");
        }
    }

    // Every resource discovery lists except subresources, the way kubectl api-resources finds them.
    private async Task<List<FuzzResource>> DiscoverAsync()
    {
        var result = new List<FuzzResource>();
        var groupVersions = new List<(string Group, string Version)> { ("", "v1") };
        var (_, apis) = await SendJsonAsync(HttpMethod.Get, "/apis", null);
        foreach (var group in JsonNode.Parse(apis)!["groups"]!.AsArray())
        {
            foreach (var version in group!["versions"]!.AsArray())
            {
                groupVersions.Add((group["name"]!.GetValue<string>(), version!["version"]!.GetValue<string>()));
            }
        }

        foreach (var (group, version) in groupVersions)
        {
            var (_, list) = await SendJsonAsync(HttpMethod.Get, group.Length == 0 ? "/api/v1" : $"/apis/{group}/{version}", null);
            foreach (var r in JsonNode.Parse(list)!["resources"]!.AsArray())
            {
                var name = r!["name"]!.GetValue<string>();
                if (!name.Contains('/', StringComparison.Ordinal))
                {
                    result.Add(new FuzzResource(group, version, name, r["kind"]!.GetValue<string>(), r["namespaced"]!.GetValue<bool>(),
                        r["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ToList()));
                }
            }
        }

        Assert.That(result, Has.Count.GreaterThan(30), "discovery lists the built-in resources");
        return result;
    }
}
