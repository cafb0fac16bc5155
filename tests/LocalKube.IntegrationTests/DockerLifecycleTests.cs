using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

[TestFixture]
[Category("E2E")]
[RequiresDocker]
public sealed class DockerLifecycleTests : LifecycleTests
{
    protected override string Driver => "docker";

    protected override Task WriteMarkerAsync(LocalKubeEnvironment env, string profile, string content) =>
        Docker.RunAsync("exec", profile, "sh", "-c", $"echo -n {content} > /var/lib/localkube/data/marker");

    protected override async Task<string?> ReadMarkerAsync(LocalKubeEnvironment env, string profile)
    {
        try
        {
            return await Docker.RunAsync("exec", profile, "cat", "/var/lib/localkube/data/marker");
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    protected override Task KillAgentAsync(LocalKubeEnvironment env, string profile) =>
        Docker.RunAsync("exec", profile, "sh", "-c", "kill -9 $(cat /run/localkube/agent.pid)");

    /// <summary>The agent serves its store over the etcd v3 API on the node's 127.0.0.1:2379, for etcdctl.</summary>
    protected override async Task AssertNodeStoreAsync(string profile)
    {
        var keys = await Docker.RunAsync("exec", "-e", "ETCDCTL_API=3", profile, "etcdctl", "--endpoints=http://127.0.0.1:2379",
            "get", "--prefix", "--keys-only", "/registry/namespaces/");
        Assert.That(keys.Split('\n', StringSplitOptions.RemoveEmptyEntries), Does.Contain("/registry/namespaces/default"));
    }

    protected override async Task AssertStoppedAsync(string profile)
    {
        Assert.That(await Docker.RunAsync("inspect", "-f", "{{.State.Running}}", profile), Is.EqualTo("false"));
        Assert.That(await Docker.RunAsync("volume", "ls", "-q", "--filter", $"name=^{profile}$"), Is.EqualTo(profile), "the /var volume is kept");
    }

    protected override async Task AssertGoneAsync(string profile) =>
        Assert.That(await Docker.LabelledAsync(profile), Is.Empty, "no container, volume or network of the profile remains");
}
