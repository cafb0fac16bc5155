using System.Text;
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
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-rbac-kubectl", "admin.kubeconfig");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Test]
    public async Task Token_of_default_is_denied_until_a_role_binding_then_can_i_and_whoami()
    {
        var token = (await _kubectl.OkAsync("create", "token", "default")).Trim();
        Assert.That(token.Split('.'), Has.Length.EqualTo(3), token);
        var sa = TokenKubeconfig(token);

        var denied = await _kubectl.RunWithAsync(sa, "get", "pods");
        Assert.That(denied.Code, Is.Not.Zero);
        Assert.That(denied.Output, Does.Contain(
            "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:default:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""));
        Assert.That((await _kubectl.RunWithAsync(sa, "auth", "can-i", "list", "pods")).Output.Trim(), Is.EqualTo("no"));

        File.WriteAllText(_kubectl.Dir.Combine("binding.yaml"), """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: sa-view, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects:
            - {kind: ServiceAccount, name: default, namespace: default}
            """);
        Assert.That(await _kubectl.OkAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("binding.yaml")), Does.Contain("rolebinding.rbac.authorization.k8s.io/sa-view created"));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _kubectl.RunWithAsync(sa, "get", "pods")) is { Code: not 0 } attempt)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), attempt.Output);
            await Task.Delay(100);
        }

        Assert.That((await _kubectl.RunWithAsync(sa, "auth", "can-i", "list", "pods")).Output.Trim(), Is.EqualTo("yes"));
        var delete = await _kubectl.RunWithAsync(sa, "auth", "can-i", "delete", "pods");
        Assert.That((delete.Code, delete.Output.Trim()), Is.EqualTo((1, "no")));
        Assert.That((await _kubectl.RunWithAsync(sa, "auth", "can-i", "get", "pods", "-n", "kube-system")).Output.Trim(), Is.EqualTo("no"));
        Assert.That(await _kubectl.OkAsync("auth", "can-i", "delete", "nodes"), Does.StartWith("yes\n"));

        var list = await _kubectl.OkWithAsync(sa, "auth", "can-i", "--list");
        Assert.That(list, Does.Match(@"Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs"));
        Assert.That(list, Does.Match(@"selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]"));
        Assert.That(list, Does.Match(@"pods\s+\[\]\s+\[\]\s+\[get list watch\]"));
        Assert.That(list, Does.Match(@"\s+\[/version\]\s+\[\]\s+\[get\]"));

        var whoami = await _kubectl.OkWithAsync(sa, "auth", "whoami");
        Assert.That(whoami, Does.Match(@"Username\s+system:serviceaccount:default:default"));
        Assert.That(whoami, Does.Match(@"Groups\s+\[system:serviceaccounts system:serviceaccounts:default system:authenticated\]"));
    }

    private string TokenKubeconfig(string token)
    {
        var path = _kubectl.Dir.Combine("sa.kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: https://127.0.0.1:{_kubectl.Agent.Port}
                certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(_kubectl.Pki.Ca.ExportCertificatePem()))}
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
}
