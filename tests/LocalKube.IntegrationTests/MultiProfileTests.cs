namespace LocalKube.IntegrationTests;

/// <summary>Two clusters side by side do not interfere.</summary>
[TestFixture]
[Category("E2E")]
public sealed class MultiProfileTests
{
    [Test]
    [CancelAfter(240_000)]
    public async Task TwoProfiles_RunSideBySide_AndStopIndependently(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var a = env.Profile("a");
        var b = env.Profile("b");
        Assert.That((await env.LocalKubeAsync(["start", "--driver", "process", "-p", a], ct)).ExitCode, Is.Zero);
        Assert.That((await env.LocalKubeAsync(["start", "--driver", "process", "-p", b, "--keep-context"], ct)).ExitCode, Is.Zero);

        var list = await env.LocalKubeAsync(["profile", "list", "-o", "json"], ct);
        Assert.That(list.StandardOutput, Does.Contain($"\"Name\":\"{a}\"").And.Contain($"\"Name\":\"{b}\""));

        // --keep-context left the current context on the first cluster.
        var current = await env.KubectlAsync(["config", "current-context"], ct);
        Assert.That(current.StandardOutput.Trim(), Is.EqualTo(a));
        foreach (var profile in new[] { a, b })
        {
            var ready = await env.KubectlAsync(["--context", profile, "get", "--raw", "/readyz"], ct);
            Assert.That(ready.StandardOutput.Trim(), Is.EqualTo("ok"), $"{profile}: {ready.StandardError}");
        }

        Assert.That((await env.LocalKubeAsync(["stop", "-p", a], ct)).ExitCode, Is.Zero);
        Assert.That((await env.LocalKubeAsync(["status", "-p", a], ct)).ExitCode, Is.EqualTo(7));
        Assert.That((await env.LocalKubeAsync(["status", "-p", b], ct)).ExitCode, Is.Zero, "stopping one profile leaves the other running");

        Assert.That((await env.LocalKubeAsync(["delete", "-p", a], ct)).ExitCode, Is.Zero);
        Assert.That((await env.KubectlAsync(["--context", b, "get", "--raw", "/readyz"], ct)).StandardOutput.Trim(), Is.EqualTo("ok"));
    }
}

/// <summary><c>delete --all</c> and <c>--purge</c>.</summary>
[TestFixture]
[Category("E2E")]
public sealed class DeleteAllTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task DeleteAllPurge_RemovesEveryProfileAndTheHome(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        // Keep this test away from the machine's real Docker objects: 'delete --all' removes every labelled one.
        env.Environment["DOCKER_HOST"] = "unix:///tmp/localkube-no-such-docker.sock";
        var a = env.Profile("da");
        var b = env.Profile("db");
        Assert.That((await env.LocalKubeAsync(["start", "--driver", "process", "-p", a], ct)).ExitCode, Is.Zero);
        Assert.That((await env.LocalKubeAsync(["start", "--driver", "process", "-p", b], ct)).ExitCode, Is.Zero);

        var purgeOne = await env.LocalKubeAsync(["delete", "-p", a, "--purge"], ct);
        Assert.That(purgeOne.ExitCode, Is.EqualTo(14), "--purge alone must not remove another profile's cluster");
        Assert.That(purgeOne.StandardError, Does.Contain("--all"));

        var all = await env.LocalKubeAsync(["delete", "--all", "--purge"], ct);
        Assert.That(all.ExitCode, Is.Zero, all.StandardOutput + all.StandardError);
        Assert.Multiple(async () =>
        {
            Assert.That(all.StandardOutput, Does.Contain($"Removed all traces of the \"{a}\" cluster.").And.Contain($"Removed all traces of the \"{b}\" cluster."));
            Assert.That(Directory.Exists(env.LocalKubeHome), Is.False, "--purge removes LOCALKUBE_HOME");
            var contexts = await env.KubectlAsync(["config", "get-contexts", "-o", "name"], ct);
            Assert.That(contexts.StandardOutput.Trim(), Is.Empty);
        });
    }
}
