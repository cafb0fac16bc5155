using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using k8s;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>The real agent host in-process: TLS, authentication, health, version and discovery over HTTP.</summary>
[TestFixture]
public sealed class AgentHttpTests
{
    private const string UnauthorizedJson =
        """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}""";

    private TestPki _pki = null!;
    private RunningAgent _agent = null!;
    private TempDirectory _temp = null!;

    [OneTimeSetUp]
    public async Task StartAgent()
    {
        _pki = new TestPki();
        _temp = new TempDirectory("lk-http");
        _agent = await RunningAgent.StartAsync(_pki);
    }

    [OneTimeTearDown]
    public async Task StopAgent()
    {
        await _agent.DisposeAsync();
        _pki.Dispose();
        _temp.Dispose();
    }

    [Test]
    public async Task Version_is_public_and_reports_minor_32()
    {
        using var client = _agent.CreateClient();
        using var response = await client.GetAsync(new Uri("/version", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("major").GetString(), Is.EqualTo("1"));
            Assert.That(root.GetProperty("minor").GetString(), Is.EqualTo("32"));
            Assert.That(root.GetProperty("gitVersion").GetString(), Does.StartWith("v1.32.4-localkube."));
            Assert.That(root.GetProperty("platform").GetString(), Does.Contain("/"));
            Assert.That(root.GetProperty("compiler").GetString(), Is.EqualTo("dotnet"));
        });
    }

    [Test]
    public async Task KubernetesClient_reads_version_and_core_discovery()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_pki.WriteKubeconfig(_temp.Combine("kubeconfig"), _agent.Port));
        using var client = new Kubernetes(config);
        var version = await client.Version.GetCodeAsync();
        Assert.That(version.Minor, Is.EqualTo("32"));

        var core = await client.Core.GetAPIVersionsAsync();
        Assert.That(core.Versions, Is.EqualTo(new[] { "v1" }));
        var resources = await client.CoreV1.GetAPIResourcesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(resources.GroupVersion, Is.EqualTo("v1"));
            Assert.That(resources.Resources.Select(r => r.Name), Is.SupersetOf(new[] { "namespaces", "namespaces/status", "configmaps", "secrets" }));
        });
        var groups = await client.Apis.GetAPIVersionsAsync();
        Assert.That(groups.Groups.Select(g => g.Name), Is.SupersetOf(new[] { "apps", "batch", "rbac.authorization.k8s.io" }));
        Assert.That(groups.Groups.Single(g => g.Name == "apps").PreferredVersion.GroupVersion, Is.EqualTo("apps/v1"));
    }

    [Test]
    public async Task No_certificate_gets_401_Status()
    {
        using var client = _agent.CreateClient();
        using var response = await client.GetAsync(new Uri("/api", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(UnauthorizedJson));
    }

    [Test]
    public async Task Certificate_from_another_CA_gets_401()
    {
        using var other = new TestPki("otherCA");
        using var foreign = other.IssueClient("admin", "system:masters");
        using var client = _agent.CreateClient(foreign);
        using var response = await client.GetAsync(new Uri("/api", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(UnauthorizedJson));
    }

    [Test]
    public async Task Valid_certificate_reads_discovery()
    {
        using var client = _agent.CreateClient(_pki.Admin);
        using var response = await client.GetAsync(new Uri("/api", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("kind").GetString(), Is.EqualTo("APIVersions"));
            Assert.That(json.RootElement.GetProperty("serverAddressByClientCIDRs")[0].GetProperty("serverAddress").GetString(),
                Is.EqualTo($"127.0.0.1:{_agent.Port}"));
        });
    }

    [Test]
    public async Task Service_account_token_is_accepted_and_a_forged_one_is_not()
    {
        // A token names its service account by uid, and the account must exist.
        string uid;
        using (var admin = _agent.CreateClient(_pki.Admin))
        using (var created = await admin.PostAsync(new Uri("/api/v1/namespaces/default/serviceaccounts", UriKind.Relative),
            new StringContent("""{"metadata":{"name":"builder"}}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            using var account = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            uid = account.RootElement.GetProperty("metadata").GetProperty("uid").GetString()!;
        }

        var issuer = new ServiceAccountTokenIssuer(_pki.ServiceAccountKey);
        var token = issuer.Issue(new ServiceAccountTokenRequest("default", "builder", uid, [ServiceAccountTokens.DefaultIssuer], TimeSpan.FromMinutes(10)));
        using var client = _agent.CreateClient();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/apis"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var forged = new ServiceAccountTokenIssuer(otherKey).Issue(
            new ServiceAccountTokenRequest("default", "builder", uid, [ServiceAccountTokens.DefaultIssuer], TimeSpan.FromMinutes(10)));
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/apis"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);
            using var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    [TestCase("/readyz", "readyz check passed")]
    [TestCase("/livez", "livez check passed")]
    [TestCase("/healthz", "healthz check passed")]
    public async Task Health_is_public_and_verbose_lists_components(string path, string trailer)
    {
        using var client = _agent.CreateClient();
        Assert.That(await client.GetStringAsync(new Uri(path, UriKind.Relative)), Is.EqualTo("ok"));
        var verbose = await client.GetStringAsync(new Uri(path + "?verbose", UriKind.Relative));
        var lines = verbose.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("[+]ping ok"));
            Assert.That(lines, Does.Contain("[+]apiserver ok"));
            Assert.That(lines[^1], Is.EqualTo(trailer));
        });
        Assert.That(await client.GetStringAsync(new Uri(path + "/ping", UriKind.Relative)), Is.EqualTo("ok"));
        Assert.That(await client.GetStringAsync(new Uri(path + "/apiserver", UriKind.Relative)), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Readyz_exclude_marks_the_check()
    {
        using var client = _agent.CreateClient();
        var verbose = await client.GetStringAsync(new Uri("/readyz?verbose&exclude=apiserver", UriKind.Relative));
        Assert.That(verbose, Does.Contain("[+]apiserver excluded: ok\n"));
    }

    [TestCase("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "APIGroupDiscoveryList")]
    [TestCase("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "APIGroupDiscoveryList")]
    [TestCase("application/json, */*", "application/json", "APIGroupList")]
    [TestCase(null, "application/json", "APIGroupList")]
    public async Task Apis_negotiates_aggregated_discovery(string? accept, string contentType, string kind)
    {
        using var client = _agent.CreateClient(_pki.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(RawContentType(response), Is.EqualTo(contentType));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("kind").GetString(), Is.EqualTo(kind));
    }

    [Test]
    public async Task Api_aggregated_has_exactly_the_core_group()
    {
        using var client = _agent.CreateClient(_pki.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
        using var response = await client.SendAsync(request);
        Assert.That(RawContentType(response), Is.EqualTo(DiscoveryNegotiation.AggregatedV2ContentType));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = json.RootElement.GetProperty("items");
        Assert.That(items.GetArrayLength(), Is.EqualTo(1));
        Assert.That(items[0].GetProperty("metadata").GetProperty("name").GetString(), Is.Empty);
        var resources = items[0].GetProperty("versions")[0].GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("resource").GetString()!, r => r.GetProperty("scope").GetString());
        Assert.That(resources["namespaces"], Is.EqualTo("Cluster"));
        Assert.That(resources["configmaps"], Is.EqualTo("Namespaced"));
    }

    [Test]
    public async Task Unacceptable_media_type_gets_406_Status()
    {
        using var client = _agent.CreateClient(_pki.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", "application/yaml");
        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("reason").GetString(), Is.EqualTo("NotAcceptable"));
    }

    [TestCase("/nope")]
    [TestCase("/apis/no.such.group")]
    [TestCase("/apis/apps/v9")]
    [TestCase("/api/v2")]
    public async Task Unknown_paths_get_404_Status(string path)
    {
        using var client = _agent.CreateClient(_pki.Admin);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"""));
    }

    // The raw header: HttpClient's parsed view re-formats parameters ("; g=..."), hiding what the server sent.
    private static string RawContentType(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : "";

    [Test]
    public async Task Http2_is_negotiated()
    {
        using var client = _agent.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);
        Assert.That(response.Version, Is.EqualTo(HttpVersion.Version20));
    }
}
