using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Patching;

/// <summary>
/// PATCH through the HTTP API of the in-process agent with KubernetesClient's V1Patch types: strategic merge patch
/// keeps what a merge patch would lose, JSON patch applies and its failures answer as upstream, and bad bodies
/// get upstream's codes and wording.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PatchApiTests
{
    private static int _counter;
    private ClientAgent _cluster = null!;
    private Kubernetes _client = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await ClientAgent.StartAsync("lk-patch");
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
    public async Task Strategic_merge_patch_keeps_container_ports_and_order()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedPodAsync(Pod("web"), ns);
        var patch = """{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],"containers":[{"name":"app","image":"nginx:1.26"}]}}""";
        var pod = await _client.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "web", ns);

        Assert.That(pod.Spec.Containers.Select(c => c.Name), Is.EqualTo(new[] { "app", "side" }));
        Assert.That(pod.Spec.Containers[0].Image, Is.EqualTo("nginx:1.26"));
        Assert.That(pod.Spec.Containers[0].Ports.Single().ContainerPort, Is.EqualTo(80), "ports survive a strategic merge");
        Assert.That(pod.Spec.Containers[0].Env.Select(e => e.Name), Is.EqualTo(new[] { "A", "B" }));
        Assert.That((await _client.ReadNamespacedPodAsync("web", ns)).Spec.Containers[1].Image, Is.EqualTo("busybox"));
    }

    [Test]
    public async Task Kubectl_apply_style_patch_changes_one_env_var_of_a_deployment()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedDeploymentAsync(Deployment("web"), ns);
        var patch = """
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],
             "containers":[{"name":"app","image":"nginx:1.26","$setElementOrder/env":[{"name":"B"}],
                            "env":[{"name":"B","value":"2"},{"$patch":"delete","name":"A"}]}]}}}}
            """;
        var d = await _client.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "web", ns);
        var app = d.Spec.Template.Spec.Containers.Single();
        Assert.That(app.Image, Is.EqualTo("nginx:1.26"));
        Assert.That(app.Ports.Single().ContainerPort, Is.EqualTo(80));
        Assert.That(app.Env.Select(e => (e.Name, e.Value)), Is.EqualTo(new[] { ("B", "2") }));
        Assert.That(d.Metadata.Generation, Is.EqualTo(2));
    }

    [Test]
    public async Task Strategic_merge_patch_of_a_deployment_switches_strategy_and_finalizers_union()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d", Finalizers = ["example.com/a"] },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "d" } },
                Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "50%" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "d" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x" }] },
                },
            },
        }, ns);
        var patch = """{"metadata":{"finalizers":["example.com/b"]},"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""";
        var d = await _client.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "d", ns);
        Assert.That(d.Spec.Strategy.Type, Is.EqualTo("Recreate"));
        Assert.That(d.Spec.Strategy.RollingUpdate, Is.Null);
        Assert.That(d.Metadata.Finalizers, Is.EqualTo(new[] { "example.com/b", "example.com/a" }));
        await _client.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "d", ns);
    }

    [Test]
    public async Task Strategic_merge_patch_of_the_scale_subresource()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedDeploymentAsync(Deployment("s"), ns);
        var scale = await _client.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.StrategicMergePatch), "s", ns);
        Assert.That(scale.Spec.Replicas, Is.EqualTo(4));
        Assert.That((await _client.ReadNamespacedDeploymentAsync("s", ns)).Spec.Replicas, Is.EqualTo(4));
    }

    [Test]
    public async Task Json_patch_applies_and_a_failed_test_is_422()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "c", Annotations = new Dictionary<string, string> { ["example.com/x"] = "1" } },
            Data = new Dictionary<string, string> { ["a"] = "1" },
        }, ns);
        var ok = """
            [{"op":"test","path":"/data/a","value":"1"},{"op":"add","path":"/data/b","value":"2"},
             {"op":"replace","path":"/metadata/annotations/example.com~1x","value":"9"},{"op":"remove","path":"/data/a"}]
            """;
        var cm = await _client.PatchNamespacedConfigMapAsync(new V1Patch(ok, V1Patch.PatchType.JsonPatch), "c", ns);
        Assert.That(cm.Data, Is.EquivalentTo(new Dictionary<string, string> { ["b"] = "2" }));
        Assert.That(cm.Metadata.Annotations["example.com/x"], Is.EqualTo("9"));

        var failed = """[{"op":"add","path":"/data/c","value":"3"},{"op":"test","path":"/data/b","value":"wrong"}]""";
        var error = await FailureAsync(() => _client.PatchNamespacedConfigMapAsync(new V1Patch(failed, V1Patch.PatchType.JsonPatch), "c", ns));
        Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(422));
        Assert.That(error.GetProperty("reason").GetString(), Is.EqualTo("Invalid"));
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("the server rejected our request due to an error in our request"));
        Assert.That(error.GetProperty("details").GetProperty("causes")[0].GetProperty("message").GetString(), Is.EqualTo("testing value /data/b failed: test failed"));
        Assert.That((await _client.ReadNamespacedConfigMapAsync("c", ns)).Data.ContainsKey("c"), Is.False, "a failed patch writes nothing");

        var missing = """[{"op":"remove","path":"/data/nope"}]""";
        error = await FailureAsync(() => _client.PatchNamespacedConfigMapAsync(new V1Patch(missing, V1Patch.PatchType.JsonPatch), "c", ns));
        Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(422));
        Assert.That(error.GetProperty("details").GetProperty("causes")[0].GetProperty("message").GetString(),
            Is.EqualTo("error in remove for path: '/data/nope': Unable to remove nonexistent key: nope: missing value"));
    }

    [TestCase("application/json-patch+json", "[{\"op\":", 400, "BadRequest", "error decoding patch: unexpected end of JSON input")]
    [TestCase("application/json-patch+json", "{\"op\":\"add\"}", 400, "BadRequest", "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp")]
    [TestCase("application/strategic-merge-patch+json", "{\"data\":", 400, "BadRequest", "unexpected end of JSON input")]
    [TestCase("application/strategic-merge-patch+json", "{data:1}", 400, "BadRequest", "invalid character 'd' looking for beginning of object key string")]
    [TestCase("application/merge-patch+json", "{\"data\" 1}", 400, "BadRequest", "error decoding patch: invalid character '1' after object key")]
    [TestCase("application/strategic-merge-patch+json", "{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"name\":\"x\"}]}}", 400, "BadRequest",
        "map: map[$patch:delete name:x] does not contain declared merge key: uid")]
    [TestCase("application/strategic-merge-patch+json", "{\"metadata\":{\"$deleteFromPrimitiveList\":[\"a\"]}}", 400, "BadRequest", "invalid patch format of primitive list")]
    [TestCase("text/plain", "{}", 415, "UnsupportedMediaType", null)]
    public async Task Bad_patches_get_upstream_status(string contentType, string body, int code, string? reason, string? message)
    {
        var ns = await NamespaceAsync();

        // A real owner: one that does not exist lets the garbage collector delete "c" before the PATCH on a busy
        // machine (the test then saw 404 instead of the patch's own error).
        var owner = await _client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "o" } }, ns);
        await _client.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "c", OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "o", Uid = owner.Metadata.Uid }] },
        }, ns);
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/v1/namespaces/{ns}/configmaps/c", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(code), text);
        using var status = JsonDocument.Parse(text);
        Assert.That(status.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null, Is.EqualTo(reason));
        if (message is not null)
        {
            Assert.That(status.RootElement.GetProperty("message").GetString(), Is.EqualTo(message));
        }
        else
        {
            Assert.That(status.RootElement.GetProperty("message").GetString(), Does.Contain("application/strategic-merge-patch+json").And.Contain("application/json-patch+json"));
        }
    }

    private async Task<string> NamespaceAsync()
    {
        var name = $"patch{Interlocked.Increment(ref _counter)}";
        await _client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app", Image = "nginx:1.25", Ports = [new V1ContainerPort { ContainerPort = 80 }],
                    Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "1" }],
                },
                new V1Container { Name = "side", Image = "busybox" },
            ],
        },
    };

    private static V1Deployment Deployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [Pod(name).Spec.Containers[0]] },
            },
        },
    };

    private static async Task<JsonElement> FailureAsync(Func<Task> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call());
        using var doc = JsonDocument.Parse(e!.Response.Content);
        await Task.CompletedTask;
        return doc.RootElement.Clone();
    }
}
