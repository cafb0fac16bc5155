using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// The real kubectl (1.32 through the dispatcher) against the in-process agent: create -f (YAML, JSON, multi-doc),
/// get in every output format, label/annotate, get -w, delete, wait and api-resources. A fresh HOME keeps the
/// dispatcher's and discovery caches out of the way. Missing kubectl fails in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KubectlSmokeTests
{
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-kubectl");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Test]
    public async Task Create_get_label_watch_delete_and_wait()
    {
        // OpenAPI (kubectl's client-side validation) belongs to the companion issue: --validate=false until then.
        File.WriteAllText(_kubectl.Dir.Combine("multi.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: one
              labels: {app: web}
            data: {a: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: two
              labels: {app: db}
            data: {b: "2", c: "3"}
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: pw
            stringData: {password: hunter2}
            """);
        File.WriteAllText(_kubectl.Dir.Combine("three.json"), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"three"},"data":{}}""");
        var output = await _kubectl.OkAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("multi.yaml"));
        Assert.That(output, Does.Contain("configmap/one created").And.Contain("configmap/two created").And.Contain("secret/pw created"));
        Assert.That(await _kubectl.OkAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("three.json")), Does.Contain("configmap/three created"));
        var dup = await _kubectl.RunAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("three.json"));
        Assert.That(dup.Code, Is.EqualTo(1));
        Assert.That(dup.Output, Does.Contain("configmaps \"three\" already exists"));

        var wide = await _kubectl.OkAsync("get", "configmaps", "-o", "wide");
        Assert.That(wide, Does.Match(@"NAME\s+DATA\s+AGE"));
        Assert.That(wide, Does.Match(@"two\s+2\s+\d+s"));
        Assert.That(await _kubectl.OkAsync("get", "secrets"), Does.Match(@"pw\s+Opaque\s+1\s+"));
        Assert.That(await _kubectl.OkAsync("get", "cm", "one", "-o", "json"), Does.Contain("\"name\": \"one\""));
        Assert.That(await _kubectl.OkAsync("get", "cm", "one", "-o", "yaml"), Does.Contain("  a: \"1\""));
        Assert.That(await _kubectl.OkAsync("get", "cm", "-l", "app", "-o", "name"), Is.EqualTo("configmap/one\nconfigmap/two\n"));
        Assert.That(await _kubectl.OkAsync("get", "cm", "-o", "jsonpath={.items[*].metadata.name}"), Does.Contain("one three two"));
        Assert.That(await _kubectl.OkAsync("get", "ns"), Does.Match(@"kube-system\s+Active"));

        Assert.That(await _kubectl.OkAsync("label", "cm", "one", "tier=front"), Does.Contain("configmap/one labeled"));
        var clash = await _kubectl.RunAsync("label", "cm", "one", "tier=back");
        Assert.That(clash.Output, Does.Contain("'tier' already has a value (front), and --overwrite is false"));
        await _kubectl.OkAsync("label", "--overwrite", "cm", "one", "tier=back");
        await _kubectl.OkAsync("annotate", "cm", "one", "note=hi");
        Assert.That((await _kubectl.OkAsync("get", "cm", "one", "-o", "jsonpath={.metadata.labels.tier}/{.metadata.annotations.note}")).Trim(), Is.EqualTo("back/hi"));
        await _kubectl.OkAsync("label", "cm", "one", "tier-");
        await _kubectl.OkAsync("annotate", "cm", "one", "note-");
        Assert.That(await _kubectl.OkAsync("get", "cm", "one", "--show-labels"), Does.Contain("app=web").And.Not.Contain("tier"));

        // get -w prints the current row, then one row per change.
        await using (var watch = _kubectl.Start("get", "cm", "one", "-w"))
        {
            await watch.WaitForAsync(o => o.Contains("one", StringComparison.Ordinal));
            await _kubectl.OkAsync("label", "cm", "one", "seen=yes");
            await watch.WaitForAsync(o => o.Split('\n').Count(l => l.StartsWith("one", StringComparison.Ordinal)) >= 2);
        }

        Assert.That(await _kubectl.OkAsync("delete", "cm", "three"), Does.Contain("configmap \"three\" deleted"));
        Assert.That(await _kubectl.OkAsync("delete", "cm", "-l", "app=db"), Does.Contain("configmap \"two\" deleted"));
        var waiter = _kubectl.Start("wait", "--for=delete", "cm/one", "--timeout=30s");
        await _kubectl.OkAsync("delete", "cm", "--all");
        await waiter.WaitForExitAsync();
        Assert.That(waiter.ExitCode, Is.Zero, waiter.Output);
        await waiter.DisposeAsync();
        Assert.That((await _kubectl.RunAsync("get", "cm")).Output, Does.Contain("No resources found in default namespace."));
        var missing = await _kubectl.RunAsync("get", "cm", "nope");
        Assert.That(missing.Output, Does.Contain("Error from server (NotFound): configmaps \"nope\" not found"));

        var resources = await _kubectl.OkAsync("api-resources");
        Assert.That(resources, Does.Match(@"configmaps\s+cm\s+v1\s+true\s+ConfigMap"));
        Assert.That(resources, Does.Match(@"namespaces\s+ns\s+v1\s+false\s+Namespace"));
    }
}
