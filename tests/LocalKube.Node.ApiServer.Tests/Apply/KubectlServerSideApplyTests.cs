using System.Diagnostics;
using LocalKube.Testing;
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
    private TestPki _pki = null!;
    private TempDirectory _dir = null!;
    private RunningAgent _agent = null!;
    private string _kubectl = null!;
    private string _kubeconfig = null!;
    private string _home = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            if (DockerAvailability.IsCi)
            {
                Assert.Fail("kubectl is not on PATH; CI must have it");
            }

            Assert.Ignore("kubectl is not on PATH");
        }

        _kubectl = kubectl!;
        _pki = new TestPki();
        _dir = new TempDirectory("lk-kubectl-ssa");
        _agent = await RunningAgent.StartAsync(_pki);
        _kubeconfig = _pki.WriteKubeconfig(_dir.Combine("kubeconfig"), _agent.Port);
        _home = Directory.CreateDirectory(_dir.Combine("home")).FullName;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        _pki?.Dispose();
        _dir?.Dispose();
    }

    [Test]
    public async Task Conflict_then_force_conflicts_wins()
    {
        var first = Write("first.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n  b: \"2\"\n");
        Assert.That(await OkAsync("apply", "--server-side", "--validate=false", "-f", first), Does.Contain("configmap/ssa serverside-applied"));
        var rv = await OkAsync("get", "cm", "ssa", "-o", "jsonpath={.metadata.resourceVersion}");
        await OkAsync("apply", "--server-side", "--validate=false", "-f", first);
        Assert.That(await OkAsync("get", "cm", "ssa", "-o", "jsonpath={.metadata.resourceVersion}"), Is.EqualTo(rv), "an unchanged re-apply writes nothing");

        var second = Write("second.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"9\"\n");
        var conflict = await RunAsync("apply", "--server-side", "--validate=false", "--field-manager=other", "-f", second);
        Assert.That(conflict.Code, Is.EqualTo(1), conflict.Output);
        Assert.That(conflict.Output, Does.Contain("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"));

        await OkAsync("apply", "--server-side", "--validate=false", "--field-manager=other", "--force-conflicts", "-f", second);
        Assert.That(await OkAsync("get", "cm", "ssa", "-o", "jsonpath={.data.a}/{.data.b}"), Is.EqualTo("9/2"));
        var yaml = await OkAsync("get", "cm", "ssa", "-o", "yaml", "--show-managed-fields");
        Assert.That(yaml, Does.Contain("manager: other").And.Contain("operation: Apply").And.Contain("f:a: {}"));

        // The first manager no longer owns a; dropping b from its manifest removes b.
        var third = Write("third.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  c: \"3\"\n");
        await OkAsync("apply", "--server-side", "--validate=false", "-f", third);
        Assert.That(await OkAsync("get", "cm", "ssa", "-o", "jsonpath={.data}"), Is.EqualTo("{\"a\":\"9\",\"c\":\"3\"}"));
    }

    [Test]
    public async Task Removing_a_container_from_the_manifest_removes_it()
    {
        const string Head = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
            + "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n";
        var two = Write("two.yaml", Head + "      - name: a\n        image: nginx\n      - name: b\n        image: busybox\n");
        var one = Write("one.yaml", Head + "      - name: a\n        image: nginx\n");
        Assert.That(await OkAsync("apply", "--server-side", "--validate=false", "-f", two), Does.Contain("deployment.apps/web serverside-applied"));
        await OkAsync("apply", "--server-side", "--validate=false", "-f", one);
        Assert.That(await OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"), Is.EqualTo("a"));

        // Defaulting does not make an unchanged re-apply a write.
        var rv = await OkAsync("get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}");
        await OkAsync("apply", "--server-side", "--validate=false", "-f", one);
        Assert.That(await OkAsync("get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"), Is.EqualTo(rv));

        // kubectl scale is an Update on /scale; the applier's replicas then conflict until forced.
        await OkAsync("scale", "deploy", "web", "--replicas=3");
        var withReplicas = Write("replicas.yaml", Head.Replace("spec:\n  selector", "spec:\n  replicas: 5\n  selector", StringComparison.Ordinal)
            + "      - name: a\n        image: nginx\n");
        var conflict = await RunAsync("apply", "--server-side", "--validate=false", "-f", withReplicas);
        Assert.That(conflict.Output, Does.Contain("conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"));
        await OkAsync("apply", "--server-side", "--validate=false", "--force-conflicts", "-f", withReplicas);
        Assert.That(await OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), Is.EqualTo("5"));
    }

    private string Write(string name, string content)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<string> OkAsync(params string[] args)
    {
        var (code, output) = await RunAsync(args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {output}");
        return output;
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(_kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = _home;
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(_kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
