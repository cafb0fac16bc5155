using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

[RequiresDocker]
public sealed class DockerAgentTests : DockerDriverTestBase
{
    private static readonly Dictionary<string, byte[]> Certs = new()
    {
        ["ca.crt"] = "CA\n"u8.ToArray(),
        ["apiserver.key"] = "KEY\n"u8.ToArray(),
    };

    [Test]
    public async Task StartAgent_InstallsAndRunsIt_LogsAreReadable_StopIsGraceful()
    {
        await CreateAsync();
        var bundle = DockerTestSupport.FakeAgentBundle(State);
        await Driver.StartAgentAsync(Machine, new AgentLaunch(bundle, Certs, ["--node-name", Machine.Name]), Token);

        Assert.That(await Driver.IsAgentRunningAsync(Machine, Token), Is.True);
        var lines = await ReadLogAsync();
        Assert.That(lines, Has.Some.Contains("started run --data-dir /var/lib/localkube/data --cert-dir /var/lib/localkube/certs "
            + "--bind-address 0.0.0.0 --secure-port 8443 --pid-file /run/localkube/agent.pid "
            + "--extra-config storage.listen-client-urls=http://127.0.0.1:2379 --node-name " + Machine.Name));

        var modes = await ExecAsync("stat -c '%n %a' /var/lib/localkube/certs/ca.crt /var/lib/localkube/certs/apiserver.key");
        Assert.That(modes.Stdout, Does.Contain("ca.crt 644").And.Contain("apiserver.key 600"));

        await Driver.StopAsync(Machine, TimeSpan.FromSeconds(30), Token);
        Assert.That(await Driver.IsAgentRunningAsync(Machine, Token), Is.False);

        // The node's /var survives, so the log shows the trap ran when localkube-init sent SIGTERM.
        await Driver.StartAsync(Machine, Token);
        Assert.That(await Driver.IsAgentRunningAsync(Machine, Token), Is.False, "the agent starts only through StartAgentAsync");
        Assert.That((await ReadLogAsync()).Last(), Does.Contain("\"message\":\"stopped\""));
    }

    [Test]
    public async Task StartAgent_Again_StopsTheOldOne_AndCopiesTheBundleOnlyWhenItChanged()
    {
        await CreateAsync();
        var bundle = DockerTestSupport.FakeAgentBundle(State);
        var launch = new AgentLaunch(bundle, Certs, []);
        await Driver.StartAgentAsync(Machine, launch, Token);
        var firstPid = (await ExecAsync("cat /run/localkube/agent.pid")).Stdout.Trim();
        Assert.That((await ExecAsync("touch /var/lib/localkube/agent/marker")).ExitCode, Is.Zero);

        await Driver.StartAgentAsync(Machine, launch, Token);
        var secondPid = (await ExecAsync("cat /run/localkube/agent.pid")).Stdout.Trim();
        Assert.That(secondPid, Is.Not.EqualTo(firstPid));
        Assert.That((await ExecAsync($"kill -0 {firstPid}")).ExitCode, Is.Not.Zero, "the first agent must be stopped");
        Assert.That((await ExecAsync("test -e /var/lib/localkube/agent/marker")).ExitCode, Is.Zero, "unchanged bundle: no copy");
        Assert.That(await ReadLogAsync(), Has.Some.Contains("\"message\":\"stopped\""));

        File.SetLastWriteTimeUtc(Path.Combine(bundle, "README.txt"), DateTime.UtcNow.AddMinutes(-5));
        await Driver.StartAgentAsync(Machine, launch, Token);
        Assert.That((await ExecAsync("test -e /var/lib/localkube/agent/marker")).ExitCode, Is.Not.Zero, "changed bundle: fresh copy");
        Assert.That(await Driver.IsAgentRunningAsync(Machine, Token), Is.True);
    }

    [Test]
    public async Task ReadAgentLog_Follow_StreamsNewLines_AndEndsTheTailOnCancel()
    {
        await CreateAsync();
        await Driver.StartAgentAsync(Machine, new AgentLaunch(DockerTestSupport.FakeAgentBundle(State), Certs, []), Token);

        using var follow = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var seen = new List<string>();
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var line in Driver.ReadAgentLogAsync(Machine, 5, follow: true, follow.Token))
                {
                    lock (seen)
                    {
                        seen.Add(line);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, Token);

        await EventuallyAsync(() => Task.FromResult(Snapshot(seen).Any(l => l.Contains("started", StringComparison.Ordinal))), TimeSpan.FromSeconds(10));
        await ExecAsync("echo '{\"message\":\"appended-later\"}' >> /var/lib/localkube/data/logs/agent.log");
        var got = await EventuallyAsync(() => Task.FromResult(Snapshot(seen).Any(l => l.Contains("appended-later", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10));
        Assert.That(got, Is.True, "a followed log must show new lines");

        await follow.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(15), Token);
        var tailGone = await EventuallyAsync(async () => (await ExecAsync("ps -eo comm | grep -qx tail")).ExitCode != 0, TimeSpan.FromSeconds(10));
        Assert.That(tailGone, Is.True, "cancelling must end 'tail -F' in the node");
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private async Task<List<string>> ReadLogAsync()
    {
        var lines = new List<string>();
        await foreach (var line in Driver.ReadAgentLogAsync(Machine, 100, follow: false, Token))
        {
            lines.Add(line);
        }

        return lines;
    }
}
