using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.OpenApi;

/// <summary>/openapi/v3 and /openapi/v2 over HTTPS against the in-process agent: caching headers, 304, redirects, and fieldValidation.</summary>
[TestFixture]
[NonParallelizable]
public sealed class OpenApiHttpTests
{
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
    public async Task Index_points_at_hashed_documents_that_are_cached_immutably()
    {
        using var index = await _http.GetAsync(new Uri("/openapi/v3", UriKind.Relative));
        Assert.That(index.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(index.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var paths = JsonNode.Parse(await index.Content.ReadAsStringAsync())!["paths"]!.AsObject();
        Assert.That(paths.Select(p => p.Key), Is.SupersetOf(new[] { "api/v1", "apis/apps/v1", "apis/batch/v1" }));
        var url = (string)paths["apis/apps/v1"]!["serverRelativeURL"]!;
        Assert.That(url, Does.Match(@"^/openapi/v3/apis/apps/v1\?hash=[0-9A-F]{128}$"));

        using var doc = await _http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.That(doc.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(doc.Headers.CacheControl!.ToString(), Is.EqualTo("public, immutable"));
        Assert.That(doc.Content.Headers.Expires, Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(300)));
        var hash = url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..];
        Assert.That(doc.Headers.ETag!.Tag, Is.EqualTo($"\"{hash}\""));
        var body = JsonNode.Parse(await doc.Content.ReadAsStringAsync())!;
        Assert.That((string?)body["openapi"], Is.EqualTo("3.0.0"));
        Assert.That(body["components"]!["schemas"]!["io.k8s.api.apps.v1.Deployment"], Is.Not.Null);

        // Without a hash: revalidate every time.
        using var plain = await _http.GetAsync(new Uri("/openapi/v3/apis/apps/v1", UriKind.Relative));
        Assert.That(plain.Headers.CacheControl!.ToString(), Is.EqualTo("no-cache, private"));
        Assert.That(plain.Headers.ETag!.Tag, Is.EqualTo($"\"{hash}\""));
    }

    [Test]
    public async Task If_none_match_answers_304_and_a_stale_hash_redirects()
    {
        using var first = await _http.GetAsync(new Uri("/openapi/v3/api/v1", UriKind.Relative));
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v3/api/v1", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var again = await _http.SendAsync(request);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await again.Content.ReadAsByteArrayAsync(), Is.Empty);

        using var indexRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v3", UriKind.Relative));
        using var index = await _http.GetAsync(new Uri("/openapi/v3", UriKind.Relative));
        indexRequest.Headers.IfNoneMatch.Add(index.Headers.ETag!);
        using var indexAgain = await _http.SendAsync(indexRequest);
        Assert.That(indexAgain.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));

        using var stale = await _http.GetAsync(new Uri("/openapi/v3/api/v1?hash=0000", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        // HttpClient follows the 301 to the current hash.
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(stale.RequestMessage!.RequestUri!.Query, Is.EqualTo("?hash=" + etag.Tag.Trim('"')));
    }

    [Test]
    public async Task Unknown_group_version_is_a_404_status()
    {
        using var missing = await _http.GetAsync(new Uri("/openapi/v3/apis/nope.io/v1", UriKind.Relative));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("\"kind\":\"Status\""));
    }

    [Test]
    public async Task V2_is_json_or_gnostic_protobuf_under_one_etag()
    {
        using var v2 = await _http.GetAsync(new Uri("/openapi/v2", UriKind.Relative));
        Assert.That(v2.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(v2.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var body = JsonNode.Parse(await v2.Content.ReadAsStringAsync())!;
        Assert.That((string?)body["swagger"], Is.EqualTo("2.0"));
        Assert.That(body["definitions"]!["io.k8s.api.core.v1.Pod"], Is.Not.Null);
        var etag = v2.Headers.ETag!;
        Assert.That(etag.Tag, Does.Match("^\"[0-9A-F]{128}\"$"));

        // What client-go asks for: the deprecated name; the answer carries the current one.
        using var protobuf = await GetV2Async("application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        Assert.That(protobuf.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(protobuf.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"));
        Assert.That(protobuf.Headers.ETag, Is.EqualTo(etag));
        Assert.That(protobuf.Headers.Vary, Does.Contain("Accept"));
        var document = LocalKube.Node.ApiServer.Protobuf.Kube.OpenapiV2.Document.Parser.ParseFrom(await protobuf.Content.ReadAsByteArrayAsync());
        Assert.That(document.Swagger, Is.EqualTo("2.0"));
        Assert.That(document.Definitions.AdditionalProperties.Select(d => d.Name), Does.Contain("io.k8s.api.core.v1.Pod"));

        using var current = await GetV2Async("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", etag.Tag);
        Assert.That(current.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await current.Content.ReadAsByteArrayAsync(), Is.Empty);
        using var changed = await GetV2Async("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "\"0000\"");
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // kube-openapi answers a bare 406 when nothing is acceptable.
        using var yaml = await GetV2Async("application/yaml");
        Assert.That(yaml.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
    }

    [Test]
    public async Task Crds_are_listed_empty_but_not_served()
    {
        // kubectl's field-validation check lists CRDs for a kind no OpenAPI document has (see KubectlVersionTests).
        using var list = await _http.GetAsync(new Uri("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", UriKind.Relative));
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = JsonNode.Parse(await list.Content.ReadAsStringAsync())!;
        Assert.That((string?)body["kind"], Is.EqualTo("CustomResourceDefinitionList"));
        Assert.That(body["items"]!.AsArray(), Is.Empty);
        Assert.That(long.Parse((string)body["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture), Is.Positive);

        using var discovery = await _http.GetAsync(new Uri("/apis", UriKind.Relative));
        Assert.That(await discovery.Content.ReadAsStringAsync(), Does.Not.Contain("apiextensions.k8s.io"));
        using var one = await _http.GetAsync(new Uri("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/foos.example.com", UriKind.Relative));
        Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var create = await PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "{}");
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Strict_rejects_unknown_fields_with_their_path_warn_reports_them_ignore_drops_them()
    {
        const string body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","bogus":1},"data":{"a":"b"},"spec":{"foo":true}}""";
        using var strict = await PostAsync("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body.Replace("NAME", "strict", StringComparison.Ordinal));
        Assert.That(strict.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var status = JsonNode.Parse(await strict.Content.ReadAsStringAsync())!;
        Assert.That((string?)status["message"], Is.EqualTo(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec\""));

        using var warn = await PostAsync("/api/v1/namespaces/default/configmaps?fieldValidation=Warn", body.Replace("NAME", "warn", StringComparison.Ordinal));
        Assert.That(warn.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(warn.Headers.GetValues("Warning"), Is.EqualTo(new[] { "299 - \"unknown field \\\"metadata.bogus\\\"\"", "299 - \"unknown field \\\"spec\\\"\"" }));

        using var ignore = await PostAsync("/api/v1/namespaces/default/configmaps?fieldValidation=Ignore", body.Replace("NAME", "ignore", StringComparison.Ordinal));
        Assert.That(ignore.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(ignore.Headers.Contains("Warning"), Is.False);
        Assert.That(await ignore.Content.ReadAsStringAsync(), Does.Not.Contain("bogus"));
    }

    [Test]
    public async Task Duplicate_fields_are_strict_errors_too()
    {
        const string body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1","a":"2"}}""";
        using var strict = await PostAsync("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body);
        Assert.That(strict.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await strict.Content.ReadAsStringAsync(), Does.Contain("strict decoding error: duplicate field \\\"data.a\\\""));

        using var warn = await PostAsync("/api/v1/namespaces/default/configmaps", body);
        Assert.That(warn.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(warn.Headers.GetValues("Warning"), Does.Contain("299 - \"duplicate field \\\"data.a\\\"\""));
    }

    [Test]
    public async Task Patch_under_strict_is_422_on_the_patch_field_and_warn_adds_warnings()
    {
        using var created = await PostAsync("/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"patched"}}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var strict = await PatchAsync("/api/v1/namespaces/default/configmaps/patched?fieldValidation=Strict", """{"data":{"a":"1"},"spec":{"foo":1}}""");
        Assert.That(strict.StatusCode, Is.EqualTo((HttpStatusCode)422));
        var status = JsonNode.Parse(await strict.Content.ReadAsStringAsync())!;
        Assert.That((string?)status["reason"], Is.EqualTo("Invalid"));
        Assert.That((string?)status["details"]!["causes"]![0]!["field"], Is.EqualTo("patch"));
        Assert.That((string?)status["message"], Does.Contain("strict decoding error: unknown field \"spec\""));

        using var warn = await PatchAsync("/api/v1/namespaces/default/configmaps/patched?fieldValidation=Warn", """{"data":{"a":"1"},"spec":{"foo":1}}""");
        Assert.That(warn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(warn.Headers.GetValues("Warning"), Is.EqualTo(new[] { "299 - \"unknown field \\\"spec\\\"\"" }));
    }

    private async Task<HttpResponseMessage> GetV2Async(string accept, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v2", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await _http.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostAsync(string url, string json) =>
        _http.PostAsync(new Uri(url, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PatchAsync(string url, string json) =>
        _http.PatchAsync(new Uri(url, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));
}
