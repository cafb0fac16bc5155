namespace LocalKube.IntegrationTests;

/// <summary>Deleting in bulk and by force, watching, and waiting: the kubectl verbs that follow changes.</summary>
public sealed partial class KubectlScenarioTests
{
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromMinutes(1);

    [Test]
    public async Task DeleteBySelector_AndAll()
    {
        Assert.That(await CreateAsync("ns-bulk.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bulk\n"), Does.Contain("namespace/bulk created"));
        foreach (var (name, labels) in new[] { ("sel-1", "{sweep: sel}"), ("sel-2", "{sweep: sel}"), ("keep", "{sweep: keep}") })
        {
            Assert.That(await CreateConfigMapAsync(name, "bulk", labels), Does.Contain($"configmap/{name} created"));
        }

        var bySelector = await _env.KubectlAsync("delete", "cm", "-n", "bulk", "-l", "sweep=sel");
        Assert.That(bySelector.StandardOutput, Is.EqualTo("configmap \"sel-1\" deleted\nconfigmap \"sel-2\" deleted\n"), bySelector.StandardError);
        // Every namespace also holds kube-root-ca.crt (the root-CA publisher's), as upstream.
        Assert.That((await _env.KubectlAsync("get", "cm", "-n", "bulk", "-o", "name")).StandardOutput, Is.EqualTo("configmap/keep\nconfigmap/kube-root-ca.crt\n"));

        Assert.That(await CreateConfigMapAsync("other", "bulk"), Does.Contain("created"));
        var all = await _env.KubectlAsync("delete", "cm", "-n", "bulk", "--field-selector", "metadata.name!=kube-root-ca.crt");
        Assert.That(all.StandardOutput, Is.EqualTo("configmap \"keep\" deleted\nconfigmap \"other\" deleted\n"), all.StandardError);
        Assert.That((await _env.KubectlAsync("get", "cm", "-n", "bulk", "-o", "name")).StandardOutput, Is.EqualTo("configmap/kube-root-ca.crt\n"));
    }

    [Test]
    public async Task ForceDelete_WarnsAndRemovesAtOnce()
    {
        Assert.That(await CreateAsync("force.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: forced\nspec:\n  nodeName: " + _profile
            + "\n  containers: [{name: c, image: busybox}]\n"), Does.Contain("pod/forced created"));

        var delete = await _env.KubectlAsync("delete", "pod", "forced", "--grace-period=0", "--force");
        Assert.That(delete.ExitCode, Is.Zero, delete.StandardError);
        Assert.That(delete.StandardError, Is.EqualTo("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. "
            + "The resource may continue to run on the cluster indefinitely.\n"));
        Assert.That(delete.StandardOutput, Is.EqualTo("pod \"forced\" force deleted\n"));
        Assert.That((await _env.KubectlAsync("get", "pod", "forced")).StandardError, Does.Contain("pods \"forced\" not found"));
    }

    [Test]
    public async Task GetWatch_SeesAConcurrentChangeOnce()
    {
        Assert.That(await CreateConfigMapAsync("watched"), Does.Contain("created"));
        using var cts = new CancellationTokenSource(StreamTimeout);
        using var watch = new StreamedProcess(_env.StartKubectl(
            "get", "cm", "watched", "-w", "--output-watch-events", "-o", "jsonpath={.type} {.object.metadata.labels.step}{\"\\n\"}"));

        // The initial state arrives as ADDED once the list is done; the watch continues from the list's resourceVersion.
        Assert.That(await watch.ReadOutputUntilAsync(l => l.StartsWith("ADDED", StringComparison.Ordinal), cts.Token), Is.EqualTo("ADDED "));
        Assert.That((await _env.KubectlAsync("label", "cm", "watched", "step=1")).ExitCode, Is.Zero);
        Assert.That((await _env.KubectlAsync("label", "cm", "watched", "step=2", "--overwrite")).ExitCode, Is.Zero);

        // Events arrive in order, so anything repeated about step 1 would come before step 2.
        await watch.ReadOutputUntilAsync(l => l == "MODIFIED 2", cts.Token);
        Assert.That(watch.Seen, Is.EqualTo(new[] { "ADDED ", "MODIFIED 1", "MODIFIED 2" }));
    }

    [Test]
    public async Task WaitForDelete_AndForJsonPath()
    {
        using var cts = new CancellationTokenSource(StreamTimeout);
        Assert.That(await CreateAsync("waited.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: waited\ndata:\n  a: \"1\"\n"), Does.Contain("created"));

        // -v=6 logs each request to stderr: go on once the waiter has read the object, so the change is surely concurrent.
        using (var wait = new StreamedProcess(_env.StartKubectl("wait", "cm/waited", "--for=jsonpath={.data.a}=2", "--timeout=60s", "-v=6")))
        {
            await wait.ReadErrorUntilAsync(l => l.Contains("/configmaps", StringComparison.Ordinal) && l.Contains("200 OK", StringComparison.Ordinal), cts.Token);
            var patch = await _env.KubectlAsync("patch", "cm", "waited", "--type=merge", "-p", "{\"data\":{\"a\":\"2\"}}");
            Assert.That(patch.StandardOutput, Does.Contain("configmap/waited patched"), patch.StandardError);
            var (exit, output) = await wait.WaitForExitAsync(cts.Token);
            Assert.That((exit, output), Is.EqualTo((0, new List<string> { "configmap/waited condition met" })));
        }

        using (var wait = new StreamedProcess(_env.StartKubectl("wait", "cm/waited", "--for=delete", "--timeout=60s", "-v=6")))
        {
            await wait.ReadErrorUntilAsync(l => l.Contains("/configmaps", StringComparison.Ordinal) && l.Contains("200 OK", StringComparison.Ordinal), cts.Token);
            Assert.That((await _env.KubectlAsync("delete", "cm", "waited", "--wait=false")).ExitCode, Is.Zero);
            var (exit, output) = await wait.WaitForExitAsync(cts.Token);
            Assert.That((exit, output), Is.EqualTo((0, new List<string> { "configmap/waited condition met" })));
        }
    }
}
