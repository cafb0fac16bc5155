using System.Diagnostics;
using LocalKube.Testing;
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
        _dir = new TempDirectory("lk-kpatch");
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
    public async Task Patch_with_every_type()
    {
        File.WriteAllText(_dir.Combine("web.yaml"), """
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
        await OkAsync("create", "--validate=false", "-f", _dir.Combine("web.yaml"));

        // strategic (kubectl's default): one container's image changes, its ports and the other container stay.
        Assert.That(await OkAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.26","env":[{"name":"B","value":"2"}]}]}}}}"""),
            Does.Contain("deployment.apps/web patched"));
        Assert.That(await JsonPathAsync("{range .spec.template.spec.containers[*]}{.name}={.image};{end}"), Is.EqualTo("app=nginx:1.26;side=busybox;"));
        Assert.That(await JsonPathAsync("{.spec.template.spec.containers[0].ports[0].containerPort}"), Is.EqualTo("80"));
        Assert.That(await JsonPathAsync("{range .spec.template.spec.containers[0].env[*]}{.name}={.value};{end}"), Is.EqualTo("A=1;B=2;"));
        await OkAsync("patch", "deployment", "web", "--type=strategic", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}""");
        Assert.That(await JsonPathAsync("{.spec.template.spec.containers[*].name}"), Is.EqualTo("app"));

        // merge
        await OkAsync("patch", "deployment", "web", "--type=merge", "-p", """{"metadata":{"labels":{"tier":"front"}}}""");
        Assert.That(await JsonPathAsync("{.metadata.labels.tier}"), Is.EqualTo("front"));

        // json, with a passing and then a failing test
        await OkAsync("patch", "deployment", "web", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":3}]""");
        Assert.That(await JsonPathAsync("{.spec.replicas}"), Is.EqualTo("3"));
        var failed = await RunAsync("patch", "deployment", "web", "--type=json", "-p", """[{"op":"test","path":"/spec/replicas","value":1}]""");
        Assert.That(failed.Code, Is.EqualTo(1), failed.Output);
        Assert.That(failed.Output, Does.Contain("The request is invalid").And.Contain("testing value /spec/replicas failed: test failed"));
        Assert.That(await JsonPathAsync("{.spec.replicas}"), Is.EqualTo("3"));

        // A merge-list element without its merge key, as upstream words it.
        var noKey = await RunAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""");
        Assert.That(noKey.Code, Is.EqualTo(1));
        Assert.That(noKey.Output, Does.Contain("Error from server: map: map[image:x] does not contain declared merge key: name"));

        var notJson = await RunAsync("patch", "deployment", "web", "--type=json", "-p", """{"op":"add"}""");
        Assert.That(notJson.Code, Is.EqualTo(1));
        Assert.That(notJson.Output, Does.Contain("json: cannot unmarshal object into Go value of type"));
    }

    private async Task<string> JsonPathAsync(string path) => (await OkAsync("get", "deployment", "web", "-o", "jsonpath=" + path)).Trim();

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
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
