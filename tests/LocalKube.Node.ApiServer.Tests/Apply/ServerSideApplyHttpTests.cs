using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Apply;

/// <summary>
/// Server-side apply over HTTP against the in-process agent: KubernetesClient's apply patch (V1Patch ApplyPatch),
/// raw YAML bodies, conflicts and force, pruning, managedFields on ordinary writes, and the bad-input answers.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerSideApplyHttpTests
{
    private static int _counter;
    private ClientAgent _cluster = null!;
    private Kubernetes _client = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await ClientAgent.StartAsync("lk-ssa");
        (_client, _http) = (_cluster.Client, _cluster.Http);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task Apply_creates_then_reapply_is_a_no_op()
    {
        var ns = await NamespaceAsync();
        var created = await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "1" }, "mgr");
        var entry = created.Metadata.ManagedFields.Single();
        Assert.That((entry.Manager, entry.Operation, entry.ApiVersion, entry.FieldsType), Is.EqualTo(("mgr", "Apply", "v1", "FieldsV1")));
        Assert.That(JsonSerializer.Serialize(entry.FieldsV1), Is.EqualTo("""{"f:data":{"f:a":{}}}"""));
        Assert.That(entry.Time, Is.Not.Null);

        var again = await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "1" }, "mgr");
        Assert.That(again.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
        Assert.That(again.Metadata.ManagedFields.Single().Time, Is.EqualTo(entry.Time));
    }

    [Test]
    public async Task Apply_to_a_missing_object_answers_201()
    {
        var ns = await NamespaceAsync();
        var (code, body) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/y?fieldManager=m",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: v\n", "application/apply-patch+yaml");
        Assert.That(code, Is.EqualTo(201), body);
        var (code2, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/y?fieldManager=m",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: w\n", "application/apply-patch+yaml");
        Assert.That(code2, Is.EqualTo(200));
        Assert.That((await _client.ReadNamespacedConfigMapAsync("y", ns)).Data["k"], Is.EqualTo("w"));
    }

    [Test]
    public async Task Second_manager_conflicts_and_force_wins()
    {
        var ns = await NamespaceAsync();
        await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "1", ["b"] = "1" }, "first");
        var e = Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "2" }, "second"))!;
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(409));
        using var doc = JsonDocument.Parse(e.Response.Content);
        var status = doc.RootElement;
        Assert.That(status.GetProperty("reason").GetString(), Is.EqualTo("Conflict"));
        Assert.That(status.GetProperty("message").GetString(), Is.EqualTo("Apply failed with 1 conflict: conflict with \"first\": .data.a"));
        var cause = status.GetProperty("details").GetProperty("causes")[0];
        Assert.That(cause.GetProperty("reason").GetString(), Is.EqualTo("FieldManagerConflict"));
        Assert.That(cause.GetProperty("field").GetString(), Is.EqualTo(".data.a"));
        Assert.That(cause.GetProperty("message").GetString(), Is.EqualTo("conflict with \"first\""));

        var forced = await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "2" }, "second", force: true);
        Assert.That(forced.Data["a"], Is.EqualTo("2"));
        var owners = forced.Metadata.ManagedFields.ToDictionary(m => m.Manager, m => JsonSerializer.Serialize(m.FieldsV1));
        Assert.That(owners["first"], Is.EqualTo("""{"f:data":{"f:b":{}}}"""));
        Assert.That(owners["second"], Is.EqualTo("""{"f:data":{"f:a":{}}}"""));
    }

    [Test]
    public async Task Fields_dropped_from_the_config_are_removed()
    {
        var ns = await NamespaceAsync();
        await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, "m");
        var after = await ApplyAsync(ns, "cm", new Dictionary<string, string> { ["b"] = "2" }, "m");
        Assert.That(after.Data.Keys, Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task Ordinary_writes_record_update_entries()
    {
        var ns = await NamespaceAsync();
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "u", Labels = new Dictionary<string, string> { ["x"] = "1" } }, Data = new Dictionary<string, string> { ["k"] = "v" } };
        var created = await _client.CreateNamespacedConfigMapAsync(cm, ns, fieldManager: "creator");
        var entry = created.Metadata.ManagedFields.Single();
        Assert.That((entry.Manager, entry.Operation), Is.EqualTo(("creator", "Update")));
        Assert.That(JsonSerializer.Serialize(entry.FieldsV1), Is.EqualTo("""{"f:data":{".":{},"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:x":{}}}}"""));

        created.Data["k"] = "w";
        var replaced = await _client.ReplaceNamespacedConfigMapAsync(created, "u", ns, fieldManager: "editor");
        var owners = replaced.Metadata.ManagedFields.ToDictionary(m => m.Manager, m => JsonSerializer.Serialize(m.FieldsV1));
        Assert.That(owners["editor"], Is.EqualTo("""{"f:data":{"f:k":{}}}"""));
        Assert.That(owners["creator"], Is.EqualTo("""{"f:data":{},"f:metadata":{"f:labels":{".":{},"f:x":{}}}}"""));

        // The same body again changes nothing, not even managedFields.
        var same = await _client.ReplaceNamespacedConfigMapAsync(replaced, "u", ns, fieldManager: "editor");
        Assert.That(same.Metadata.ResourceVersion, Is.EqualTo(replaced.Metadata.ResourceVersion));

        // Without fieldManager the User-Agent's product names the manager.
        var (code, body) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/u", """{"data":{"z":"1"}}""", "application/merge-patch+json",
            userAgent: "kubectl-label/v1.32.0 (linux/amd64) kubernetes/abc");
        Assert.That(code, Is.EqualTo(200), body);
        Assert.That(body, Does.Contain("\"manager\":\"kubectl-label\""));
    }

    [Test]
    public async Task Updater_owned_replicas_conflict_with_apply()
    {
        var ns = await NamespaceAsync();
        var dep = Deployment("web", 1);
        await _client.CreateNamespacedDeploymentAsync(dep, ns, fieldManager: "kubectl-create");
        var applied = Deployment("web", 3);
        var e = Assert.ThrowsAsync<HttpOperationException>(() =>
            _client.PatchNamespacedDeploymentAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "web", ns, fieldManager: "kubectl"))!;
        Assert.That((int)e.Response.StatusCode, Is.EqualTo(409));
        Assert.That(e.Response.Content, Does.Contain("conflict with \\\"kubectl-create\\\" using apps/v1: .spec.replicas"));
        var forced = await _client.PatchNamespacedDeploymentAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "web", ns, fieldManager: "kubectl", force: true);
        Assert.That(forced.Spec.Replicas, Is.EqualTo(3));
        var fields = JsonSerializer.Serialize(forced.Metadata.ManagedFields.Single(m => m.Manager == "kubectl").FieldsV1);
        Assert.That(fields, Does.Contain("\"k:{\\u0022name\\u0022:\\u0022c\\u0022}\":{\".\":{},\"f:image\":{},\"f:name\":{}}"));
    }

    [Test]
    public async Task Subresource_writes_record_their_subresource()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedDeploymentAsync(Deployment("d", 1), ns, fieldManager: "creator");
        var (code, body) = await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d/scale?fieldManager=scaler", """{"spec":{"replicas":4}}""",
            "application/merge-patch+json");
        Assert.That(code, Is.EqualTo(200), body);
        (code, body) = await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d/status?fieldManager=ctl",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"status":{"replicas":4}}""", "application/apply-patch+yaml");
        Assert.That(code, Is.EqualTo(200), body);

        var dep = await _client.ReadNamespacedDeploymentAsync("d", ns);
        Assert.That((dep.Spec.Replicas, dep.Status?.Replicas), Is.EqualTo((4, 4)));
        var entries = dep.Metadata.ManagedFields.ToDictionary(m => m.Manager);
        Assert.That((entries["scaler"].Subresource, entries["scaler"].Operation, JsonSerializer.Serialize(entries["scaler"].FieldsV1)),
            Is.EqualTo(("scale", "Update", """{"f:spec":{"f:replicas":{}}}""")));
        Assert.That((entries["ctl"].Subresource, entries["ctl"].Operation, JsonSerializer.Serialize(entries["ctl"].FieldsV1)),
            Is.EqualTo(("status", "Apply", """{"f:status":{"f:replicas":{}}}""")));
        Assert.That(JsonSerializer.Serialize(entries["creator"].FieldsV1), Does.Not.Contain("f:replicas"));

        (code, body) = await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/nope/status?fieldManager=ctl",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nope"},"status":{"replicas":4}}""", "application/apply-patch+yaml");
        Assert.That(code, Is.EqualTo(404), body);
    }

    [Test]
    public async Task A_too_long_field_manager_is_422()
    {
        var ns = await NamespaceAsync();
        var (code, body) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldManager={new string('m', 129)}",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"l"}}""", "application/json");
        Assert.That(code, Is.EqualTo(422), body);
        Assert.That(body, Does.Contain("CreateOptions.meta.k8s.io \\\"\\\" is invalid: fieldManager: Too long: may not be more than 128 bytes"));
    }

    [TestCase("", 422, "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")]
    [TestCase("?fieldManager=m&x=", 400, "invalid object type: apps/v1, Kind=ConfigMap")]
    public async Task Bad_apply_requests(string query, int expected, string message)
    {
        var ns = await NamespaceAsync();
        var config = query.Contains("x=", StringComparison.Ordinal)
            ? """{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"b"}}"""
            : """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}""";
        var (code, body) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/b{query}", config, "application/apply-patch+yaml");
        Assert.That(code, Is.EqualTo(expected), body);
        using var doc = JsonDocument.Parse(body);
        Assert.That(doc.RootElement.GetProperty("message").GetString(), Is.EqualTo(message));
    }

    [Test]
    public async Task Force_on_a_merge_patch_is_422()
    {
        var ns = await NamespaceAsync();
        await ApplyAsync(ns, "f", new Dictionary<string, string> { ["a"] = "1" }, "m");
        var (code, body) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/f?force=true", "{}", "application/merge-patch+json");
        Assert.That(code, Is.EqualTo(422), body);
        Assert.That(body, Does.Contain("force: Forbidden: may not be specified for non-apply patch"));
    }

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
            },
        },
    };

    private Task<V1ConfigMap> ApplyAsync(string ns, string name, Dictionary<string, string> data, string manager, bool force = false)
    {
        var config = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = name }, Data = data };
        return _client.PatchNamespacedConfigMapAsync(new V1Patch(config, V1Patch.PatchType.ApplyPatch), name, ns, fieldManager: manager, force: force ? true : null);
    }

    private async Task<string> NamespaceAsync()
    {
        var name = $"ssa{Interlocked.Increment(ref _counter)}";
        await _client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    private async Task<(int Code, string Body)> SendAsync(HttpMethod method, string path, string body, string contentType, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
