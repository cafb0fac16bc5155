using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Apply;

/// <summary>
/// The real kubectl's <c>apply --server-side</c> against the in-process agent: create, an unchanged re-apply keeps
/// the resourceVersion, a second field manager gets the conflict error, <c>--force-conflicts</c> wins, and fields
/// dropped from the manifest (a container) go. <c>--validate=false</c> until OpenAPI is served.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KubectlServerSideApplyTests
{
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-kubectl-ssa");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Test]
    public async Task Conflict_then_force_conflicts_wins()
    {
        var first = _kubectl.Write("first.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: \"2\"\n");
        Assert.That(await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", first), Does.Contain("configmap/ssa serverside-applied"));
        var rv = await _kubectl.OkAsync("get", "cm", "ssa", "-o", "jsonpath={.metadata.resourceVersion}");
        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", first);
        Assert.That(await _kubectl.OkAsync("get", "cm", "ssa", "-o", "jsonpath={.metadata.resourceVersion}"), Is.EqualTo(rv), "an unchanged re-apply writes nothing");

        var second = _kubectl.Write("second.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"9\"\n");
        var conflict = await _kubectl.RunAsync("apply", "--server-side", "--validate=false", "--field-manager=other", "-f", second);
        Assert.That(conflict.Code, Is.EqualTo(1), conflict.Output);
        Assert.That(conflict.Output, Does.Contain("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"));

        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "--field-manager=other", "--force-conflicts", "-f", second);
        Assert.That(await _kubectl.OkAsync("get", "cm", "ssa", "-o", "jsonpath={.data.a}/{.data.b}"), Is.EqualTo("9/2"));
        var yaml = await _kubectl.OkAsync("get", "cm", "ssa", "-o", "yaml", "--show-managed-fields");
        Assert.That(yaml, Does.Contain("manager: other").And.Contain("operation: Apply").And.Contain("f:a: {}"));

        // The first manager no longer owns a; dropping b from its manifest removes b.
        var third = _kubectl.Write("third.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  c: \"3\"\n");
        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", third);
        Assert.That(await _kubectl.OkAsync("get", "cm", "ssa", "-o", "jsonpath={.data}"), Is.EqualTo("{\"a\":\"9\",\"c\":\"3\"}"));
    }

    [Test]
    public async Task Removing_a_container_from_the_manifest_removes_it()
    {
        const string Head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
            + "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n";
        var two = _kubectl.Write("two.yaml", Head + "      - name: a\n        image: nginx\n      - name: b\n        image: busybox\n");
        var one = _kubectl.Write("one.yaml", Head + "      - name: a\n        image: nginx\n");
        Assert.That(await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", two), Does.Contain("deployment.apps/web serverside-applied"));
        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", one);
        Assert.That(await _kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"), Is.EqualTo("a"));

        // Defaulting does not make an unchanged re-apply a write.
        var rv = await _kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}");
        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", one);
        Assert.That(await _kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"), Is.EqualTo(rv));

        // kubectl scale is an Update on /scale; the applier's replicas then conflict until forced.
        await _kubectl.OkAsync("scale", "deploy", "web", "--replicas=3");
        var withReplicas = _kubectl.Write("replicas.yaml", Head.Replace("spec:\n  selector", "spec:\n  replicas: 5\n  selector", StringComparison.Ordinal)
            + "      - name: a\n        image: nginx\n");
        var conflict = await _kubectl.RunAsync("apply", "--server-side", "--validate=false", "-f", withReplicas);
        Assert.That(conflict.Output, Does.Contain("conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"));
        await _kubectl.OkAsync("apply", "--server-side", "--validate=false", "--force-conflicts", "-f", withReplicas);
        Assert.That(await _kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), Is.EqualTo("5"));
    }
}
