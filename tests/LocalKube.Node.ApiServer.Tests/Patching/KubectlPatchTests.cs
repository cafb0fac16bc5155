using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Patching;

/// <summary>
/// The real kubectl's <c>patch --type=strategic|merge|json</c> against the in-process agent, including the failures
/// kubectl prints. A fresh HOME keeps the dispatcher's and discovery caches out of the way. Missing kubectl fails in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KubectlPatchTests
{
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-kpatch");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Test]
    public async Task Patch_with_every_type()
    {
        File.WriteAllText(_kubectl.Dir.Combine("web.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: app
                    image: nginx:1.25
                    ports: [{containerPort: 80}]
                    env: [{name: A, value: "1"}, {name: B, value: "1"}]
                  - name: side
                    image: busybox
            """);
        await _kubectl.OkAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("web.yaml"));

        // strategic (kubectl's default): one container's image changes, its ports and the other container stay.
        Assert.That(await _kubectl.OkAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26","env":[{"name":"B","value":"2"}]}]}}}}"""),
            Does.Contain("deployment.apps/web patched"));
        Assert.That(await JsonPathAsync("{range .spec.template.spec.containers[*]}{.name}={.image};{end}"), Is.EqualTo("app=nginx:1.26;side=busybox;"));
        Assert.That(await JsonPathAsync("{.spec.template.spec.containers[0].ports[0].containerPort}"), Is.EqualTo("80"));
        Assert.That(await JsonPathAsync("{range .spec.template.spec.containers[0].env[*]}{.name}={.value};{end}"), Is.EqualTo("A=1;B=2;"));
        await _kubectl.OkAsync("patch", "deployment", "web", "--type=strategic", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}""");
        Assert.That(await JsonPathAsync("{.spec.template.spec.containers[*].name}"), Is.EqualTo("app"));

        // merge
        await _kubectl.OkAsync("patch", "deployment", "web", "--type=merge", "-p", """{"metadata":{"labels":{"tier":"front"}}}""");
        Assert.That(await JsonPathAsync("{.metadata.labels.tier}"), Is.EqualTo("front"));

        // json, with a passing and then a failing test
        await _kubectl.OkAsync("patch", "deployment", "web", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":3}]""");
        Assert.That(await JsonPathAsync("{.spec.replicas}"), Is.EqualTo("3"));
        var failed = await _kubectl.RunAsync("patch", "deployment", "web", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":1}]""");
        Assert.That(failed.Code, Is.EqualTo(1), failed.Output);
        Assert.That(failed.Output, Does.Contain("The request is invalid").And.Contain("testing value /spec/replicas failed: test failed"));
        Assert.That(await JsonPathAsync("{.spec.replicas}"), Is.EqualTo("3"));

        // A merge-list element without its merge key, as upstream words it.
        var noKey = await _kubectl.RunAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""");
        Assert.That(noKey.Code, Is.EqualTo(1));
        Assert.That(noKey.Output, Does.Contain("Error from server (BadRequest): map: map[image:x] does not contain declared merge key: name"));

        var notJson = await _kubectl.RunAsync("patch", "deployment", "web", "--type=json", "-p", """{"op":"add"}""");
        Assert.That(notJson.Code, Is.EqualTo(1));
        Assert.That(notJson.Output, Does.Contain("json: cannot unmarshal object into Go value of type"));
    }

    private async Task<string> JsonPathAsync(string path) => (await _kubectl.OkAsync("get", "deployment", "web", "-o", "jsonpath=" + path)).Trim();
}
