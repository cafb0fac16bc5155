using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Authorization;

/// <summary>
/// Service-account tokens live only as long as what they name: their service account (by uid) and the pod or
/// secret they are bound to. TokenRequest checks the bound object and bounds the lifetime as upstream.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class TokenRevocationTests
{
    private static int _counter;
    private TestPki _pki = null!;
    private RunningAgent _agent = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        _agent = await RunningAgent.StartAsync(_pki);
        _http = _agent.CreateClient(_pki.Admin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _pki?.Dispose();
    }

    [Test]
    public async Task Deleting_the_service_account_or_recreating_it_revokes_its_tokens()
    {
        var ns = await NamespaceAsync();
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"bot"}}""", HttpStatusCode.Created);
        var token = await TokenAsync(ns, "bot", "{}");
        Assert.That(await WhoAmIAsync(token), Is.EqualTo($"system:serviceaccount:{ns}:bot"));

        await SendAsync("DELETE", $"/api/v1/namespaces/{ns}/serviceaccounts/bot", null, HttpStatusCode.OK);
        Assert.That(await WhoAmIAsync(token), Is.Null, "the service account is gone");
        Assert.That(await ReviewAsync(token), Does.Contain("serviceaccounts \"bot\" not found"));

        // The same name again is another account: the old token names the old uid.
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"bot"}}""", HttpStatusCode.Created);
        Assert.That(await WhoAmIAsync(token), Is.Null, "a re-created account of the same name does not revive it");
        Assert.That(await ReviewAsync(token), Does.Match(@"service account UID \([0-9a-f-]+\) does not match claim \([0-9a-f-]+\)"));
        Assert.That(await WhoAmIAsync(await TokenAsync(ns, "bot", "{}")), Is.EqualTo($"system:serviceaccount:{ns}:bot"), "a new token works");
    }

    [Test]
    public async Task A_token_bound_to_a_secret_or_pod_ends_with_it()
    {
        var ns = await NamespaceAsync();
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"bot"}}""", HttpStatusCode.Created);
        var secret = await SendAsync("POST", $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"s"}}""", HttpStatusCode.Created);
        var secretToken = await TokenAsync(ns, "bot", """{"spec":{"boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"s"}}}""");
        var pod = await SendAsync("POST", $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"p"},"spec":{"serviceAccountName":"bot","containers":[{"name":"c","image":"busybox"}]}}""", HttpStatusCode.Created);
        var podToken = await TokenAsync(ns, "bot", $$$$"""{"spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p","uid":"{{{{pod["metadata"]!["uid"]}}}}"}}}""");
        Assert.That(await WhoAmIAsync(secretToken), Is.Not.Null);
        Assert.That(await WhoAmIAsync(podToken), Is.Not.Null);
        Assert.That(secret["metadata"]!["uid"], Is.Not.Null);

        await SendAsync("DELETE", $"/api/v1/namespaces/{ns}/secrets/s", null, HttpStatusCode.OK);
        Assert.That(await WhoAmIAsync(secretToken), Is.Null, "the bound secret is gone");
        Assert.That(await ReviewAsync(secretToken), Does.Contain("service account token has been invalidated"));
        Assert.That(await WhoAmIAsync(podToken), Is.Not.Null, "the pod-bound token is unaffected");

        await SendAsync("DELETE", $"/api/v1/namespaces/{ns}/pods/p?gracePeriodSeconds=0", null, HttpStatusCode.OK);
        Assert.That(await WhoAmIAsync(podToken), Is.Null, "the bound pod is gone");
    }

    [Test]
    public async Task Token_requests_check_the_bound_object()
    {
        var ns = await NamespaceAsync();
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"bot"}}""", HttpStatusCode.Created);
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"other"},"spec":{"serviceAccountName":"default","containers":[{"name":"c","image":"busybox"}]}}""", HttpStatusCode.Created);
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"s"}}""", HttpStatusCode.Created);
        var url = $"/api/v1/namespaces/{ns}/serviceaccounts/bot/token";

        var missing = await SendAsync("POST", url, """{"spec":{"boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"nope"}}}""", HttpStatusCode.NotFound);
        Assert.That((string?)missing["message"], Is.EqualTo("secrets \"nope\" not found"));
        var wrongAccount = await SendAsync("POST", url, """{"spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"other"}}}""", HttpStatusCode.BadRequest);
        Assert.That((string?)wrongAccount["message"], Is.EqualTo("cannot bind token for serviceaccount \"bot\" to pod running with different serviceaccount name."));
        var wrongKind = await SendAsync("POST", url, """{"spec":{"boundObjectRef":{"kind":"ConfigMap","apiVersion":"v1","name":"x"}}}""", HttpStatusCode.BadRequest);
        Assert.That((string?)wrongKind["message"], Is.EqualTo("cannot bind token to object of type /v1, Kind=ConfigMap"));
        var staleUid = await SendAsync("POST", url, """{"spec":{"boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"s","uid":"0000"}}}""", HttpStatusCode.Conflict);
        Assert.That((string?)staleUid["message"], Is.EqualTo(
            "Operation cannot be fulfilled on Secret \"s\": the UID in the bound object reference (0000) does not match the UID in record. The object might have been deleted and then recreated"));
    }

    [Test]
    public async Task Token_lifetimes_are_bounded_as_upstream()
    {
        var ns = await NamespaceAsync();
        await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"bot"}}""", HttpStatusCode.Created);
        var url = $"/api/v1/namespaces/{ns}/serviceaccounts/bot/token";
        var tooShort = await SendAsync("POST", url, """{"spec":{"expirationSeconds":599}}""", (HttpStatusCode)422);
        Assert.That(tooShort["details"]!["causes"]![0]!["message"]!.GetValue<string>(), Is.EqualTo("Invalid value: 599: may not specify a duration less than 10 minutes"));
        var tooLong = await SendAsync("POST", url, """{"spec":{"expirationSeconds":4294967297}}""", (HttpStatusCode)422);
        Assert.That(tooLong["details"]!["causes"]![0]!["message"]!.GetValue<string>(), Does.EndWith("may not specify a duration larger than 2^32 seconds"));

        // A week is shortened to the 48-hour maximum, in the spec and in the token's expiry.
        var week = await SendAsync("POST", url, """{"spec":{"expirationSeconds":604800}}""", HttpStatusCode.Created);
        Assert.That(week["spec"]!["expirationSeconds"]!.GetValue<long>(), Is.EqualTo(172800));
        var expires = DateTimeOffset.Parse(week["status"]!["expirationTimestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.That(expires - DateTimeOffset.UtcNow, Is.EqualTo(TimeSpan.FromHours(48)).Within(TimeSpan.FromMinutes(2)));
        var day = await SendAsync("POST", url, """{"spec":{"expirationSeconds":86400}}""", HttpStatusCode.Created);
        Assert.That(day["spec"]!["expirationSeconds"]!.GetValue<long>(), Is.EqualTo(86400), "within the maximum: unchanged");
    }

    private async Task<string> NamespaceAsync()
    {
        var name = $"revoke-{Interlocked.Increment(ref _counter)}";
        await SendAsync("POST", "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{name}}}"}}""", HttpStatusCode.Created);
        return name;
    }

    private async Task<string> TokenAsync(string ns, string account, string body) =>
        (await SendAsync("POST", $"/api/v1/namespaces/{ns}/serviceaccounts/{account}/token", body, HttpStatusCode.Created))["status"]!["token"]!.GetValue<string>();

    // Who the token authenticates as (a SelfSubjectReview), or null when it does not authenticate (401).
    private async Task<string?> WhoAmIAsync(string token)
    {
        using var client = _agent.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews")
        {
            Content = new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!["userInfo"]!["username"]!.GetValue<string>();
    }

    // The TokenReview answer's error for `token` (which must not authenticate).
    private async Task<string> ReviewAsync(string token)
    {
        var review = await SendAsync("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
            $$$"""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"{{{token}}}"}}""", HttpStatusCode.Created);
        Assert.That(review["status"]!["authenticated"]?.GetValue<bool>() ?? false, Is.False);
        return review["status"]!["error"]!.GetValue<string>();
    }

    private async Task<JsonNode> SendAsync(string method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path}: {text}");
        return JsonNode.Parse(text)!;
    }
}
