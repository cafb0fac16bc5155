using System.Diagnostics;
using System.Text;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Authorization;

/// <summary>
/// The real kubectl against the in-process agent with RBAC: <c>create token default</c> on a fresh cluster, that
/// token denied with upstream's message until a RoleBinding grants view, then allowed; <c>auth can-i</c>,
/// <c>auth can-i --list</c> and <c>auth whoami</c> (protobuf request bodies). The token user gets its own kubeconfig
/// without the admin certificate, which kubectl would otherwise send along. Missing kubectl fails in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RbacKubectlTests
{
    private TestPki _pki = null!;
    private TempDirectory _dir = null!;
    private RunningAgent _agent = null!;
    private string _kubectl = null!;
    private string _admin = null!;
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
        _dir = new TempDirectory("lk-rbac-kubectl");
        _agent = await RunningAgent.StartAsync(_pki);
        _admin = _pki.WriteKubeconfig(_dir.Combine("admin.kubeconfig"), _agent.Port);
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
    public async Task Token_of_default_is_denied_until_a_role_binding_then_can_i_and_whoami()
    {
        var token = (await OkAsync(_admin, "create", "token", "default")).Trim();
        Assert.That(token.Split('.'), Has.Length.EqualTo(3), token);
        var sa = TokenKubeconfig(token);

        var denied = await RunAsync(sa, "get", "pods");
        Assert.That(denied.Code, Is.Not.Zero);
        Assert.That(denied.Output, Does.Contain(
            "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:default:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""));
        Assert.That((await RunAsync(sa, "auth", "can-i", "list", "pods")).Output.Trim(), Is.EqualTo("no"));

        File.WriteAllText(_dir.Combine("binding.yaml"), """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: sa-view, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects:
            - {kind: ServiceAccount, name: default, namespace: default}
            """);
        Assert.That(await OkAsync(_admin, "create", "--validate=false", "-f", _dir.Combine("binding.yaml")), Does.Contain("rolebinding.rbac.authorization.k8s.io/sa-view created"));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await RunAsync(sa, "get", "pods")) is { Code: not 0 } attempt)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), attempt.Output);
            await Task.Delay(100);
        }

        Assert.That((await RunAsync(sa, "auth", "can-i", "list", "pods")).Output.Trim(), Is.EqualTo("yes"));
        var delete = await RunAsync(sa, "auth", "can-i", "delete", "pods");
        Assert.That((delete.Code, delete.Output.Trim()), Is.EqualTo((1, "no")));
        Assert.That((await RunAsync(sa, "auth", "can-i", "get", "pods", "-n", "kube-system")).Output.Trim(), Is.EqualTo("no"));
        Assert.That(await OkAsync(_admin, "auth", "can-i", "delete", "nodes"), Does.StartWith("yes\n"));

        var list = await OkAsync(sa, "auth", "can-i", "--list");
        Assert.That(list, Does.Match(@"Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs"));
        Assert.That(list, Does.Match(@"selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]"));
        Assert.That(list, Does.Match(@"pods\s+\[\]\s+\[\]\s+\[get list watch\]"));
        Assert.That(list, Does.Match(@"\s+\[/version\]\s+\[\]\s+\[get\]"));

        var whoami = await OkAsync(sa, "auth", "whoami");
        Assert.That(whoami, Does.Match(@"Username\s+system:serviceaccount:default:default"));
        Assert.That(whoami, Does.Match(@"Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]"));
    }

    private string TokenKubeconfig(string token)
    {
        var path = _dir.Combine("sa.kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: https://127.0.0.1:{_agent.Port}
                certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(_pki.Ca.ExportCertificatePem()))}
            users:
            - name: sa
              user:
                token: {token}
            contexts:
            - name: sa
              context:
                cluster: test
                user: sa
                namespace: default
            current-context: sa
            """);
        return path;
    }

    private async Task<string> OkAsync(string kubeconfig, params string[] args)
    {
        var (code, output) = await RunAsync(kubeconfig, args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {output}");
        return output;
    }

    private async Task<(int Code, string Output)> RunAsync(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo(_kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = _home;
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
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
