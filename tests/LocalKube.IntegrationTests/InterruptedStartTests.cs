using System.Diagnostics;

namespace LocalKube.IntegrationTests;

/// <summary>A start killed halfway (kill -9 of the CLI) is completed by the next start, or cleaned by delete.</summary>
[TestFixture]
[Category("E2E")]
public sealed class InterruptedStartTests
{
    [TestCase(300)]
    [TestCase(1200)]
    [CancelAfter(180_000)]
    public async Task KilledStart_NextStartCompletes_DeleteCleans(int killAfterMs, CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var profile = env.Profile("intr");
        using (var process = env.StartLocalKube("start", "--driver", "process", "-p", profile))
        {
            await Task.Delay(killAfterMs, ct);
            process.Kill();
            await process.WaitForExitAsync(ct);
        }

        var again = await env.LocalKubeAsync(["start", "--driver", "process", "-p", profile], ct);
        Assert.That(again.ExitCode, Is.Zero, again.StandardOutput + again.StandardError);
        Assert.That((await env.KubectlAsync(["get", "--raw", "/readyz"], ct)).StandardOutput.Trim(), Is.EqualTo("ok"));

        Assert.That((await env.LocalKubeAsync(["delete", "-p", profile], ct)).ExitCode, Is.Zero);
        Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False);
    }
}
