using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Conformance;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Process.Tests;

/// <summary>What only the process driver does: detaching, pid safety, SIGKILL escalation, files on the host.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessDriverTests
{
    private const int Limit = 60_000;

    private TempDirectory _temp = null!;
    private ProcessDriver _driver = null!;
    private MachineRef _machine = null!;
    private string _profileDirectory = "";
    private int _port;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory("lkp");
        var profile = $"lkp-{Guid.NewGuid():N}"[..12];
        _profileDirectory = _temp.Combine("profiles", profile);
        _machine = new MachineRef(profile, profile, Path.Combine(_profileDirectory, "machines", profile));
        _port = FreeTcpPort.Get();
        _driver = new ProcessDriver();
    }

    [TearDown]
    public async Task TearDown()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _driver.PurgeAsync(_machine.Profile, _profileDirectory, cts.Token);
        _temp.Dispose();
    }

    [Test, CancelAfter(Limit)]
    public async Task StartAgent_Agent_RunsDetachedInItsOwnSessionWithoutTerminal(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);

        var pid = await StartAgentAsync(FakeAgentBundle.Create(_temp.Combine("bundle")), cancellationToken);

        var agent = ProcStat.Read(pid);
        var self = ProcStat.Read();
        Assert.Multiple(() =>
        {
            Assert.That(agent.Session, Is.EqualTo(pid), "the agent leads a new session (setsid)");
            Assert.That(agent.Session, Is.Not.EqualTo(self.Session));
            Assert.That(agent.ProcessGroup, Is.Not.EqualTo(self.ProcessGroup), "Ctrl+C goes to the CLI's group only");
            Assert.That(agent.TtyNumber, Is.Zero, "no controlling terminal");
            Assert.That(agent.ParentPid, Is.Not.EqualTo(Environment.ProcessId), "not our child: it outlives us");
            Assert.That(new FileInfo($"/proc/{pid}/fd/0").LinkTarget, Is.EqualTo("/dev/null"));
            Assert.That(new FileInfo($"/proc/{pid}/fd/1").LinkTarget, Is.EqualTo(Path.Combine(State, "agent.out")));
        });
    }

    [Test, CancelAfter(Limit)]
    public async Task Stop_AgentIgnoresSigterm_EscalatesToSigkillAfterTheTimeout(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        var pid = await StartAgentAsync(FakeAgentBundle.Create(_temp.Combine("bundle"), ignoreSigterm: true), cancellationToken);
        var timeout = TimeSpan.FromSeconds(1.5);

        var stopwatch = Stopwatch.StartNew();
        await _driver.StopAsync(_machine, timeout, cancellationToken);
        stopwatch.Stop();

        var messages = await MessagesAsync(cancellationToken);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(AgentProcessTable.CommandLine(pid), Is.Null, "the agent is gone");
            Assert.That(messages, Does.Contain(FakeAgentProtocol.IgnoringTerm), "SIGTERM came first");
            Assert.That(messages, Does.Not.Contain(FakeAgentProtocol.Stopped));
            Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(timeout - TimeSpan.FromMilliseconds(100)), "it waited for the timeout");
            Assert.That(await _driver.IsAgentRunningAsync(_machine, cancellationToken), Is.False);
            Assert.That(await _driver.GetStateAsync(_machine, cancellationToken), Is.EqualTo(MachineState.Stopped));
        });
    }

    [Test, CancelAfter(Limit)]
    public async Task StaleAgentPidFile_RecycledByAnotherProcess_IsNeverSignalled(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        using var bystander = System.Diagnostics.Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(State, "agent.pid"), $"{bystander.Id}\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(State, "agent.launch.pid"), $"{bystander.Id}\n", cancellationToken);

            var running = await _driver.IsAgentRunningAsync(_machine, cancellationToken);
            await _driver.StopAsync(_machine, TimeSpan.FromSeconds(1), cancellationToken);
            await _driver.KillAsync(_machine, cancellationToken);
            await _driver.PurgeAsync(_machine.Profile, _profileDirectory, cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(running, Is.False, "a pid that runs something else is no agent");
                Assert.That(bystander.HasExited, Is.False, "stop, kill and purge left the unrelated process alone");
            });
        }
        finally
        {
            bystander.Kill();
            await bystander.WaitForExitAsync(cancellationToken);
        }
    }

    [Test, CancelAfter(Limit)]
    public async Task StartAgent_Files_LandWithPrivateKeysAndFolder(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);

        await StartAgentAsync(FakeAgentBundle.Create(_temp.Combine("bundle")), cancellationToken);

        var certs = Path.Combine(State, "certs");
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(certs), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(File.GetUnixFileMode(Path.Combine(certs, "sa.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Path.Combine(certs, "ca.crt")) & UnixFileMode.OtherWrite, Is.EqualTo(UnixFileMode.None));
            Assert.That(File.ReadAllText(Path.Combine(certs, "sa.key")), Is.EqualTo("key"));
            Assert.That(Directory.GetFiles(certs).Select(Path.GetFileName), Is.EquivalentTo(new[] { "ca.crt", "sa.key" }), "no temporary files left");
        });
    }

    [Test, CancelAfter(Limit)]
    public async Task StartAgent_AgentExitsAtOnce_ThrowsAgentFailedWithItsOutput(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        var bundle = _temp.Combine("broken");
        Directory.CreateDirectory(bundle);
        var agent = Path.Combine(bundle, "localkube-node");
        await File.WriteAllTextAsync(agent, "#!/bin/sh\necho 'boom: no runtime' >&2\nexit 3\n", cancellationToken);
        File.SetUnixFileMode(agent, (UnixFileMode)0b111_101_101);

        var error = Assert.CatchAsync<LocalKubeException>(async () =>
            await _driver.StartAgentAsync(_machine, new AgentLaunch(bundle, new Dictionary<string, byte[]>(), []), cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error?.Reason, Is.EqualTo(Reasons.AgentFailed));
            Assert.That(error?.Message, Does.Contain("boom: no runtime"));
        });
    }

    [Test, CancelAfter(Limit)]
    public async Task Create_PortInUse_ThrowsPortInUseAndCreatesNothing(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;
        var spec = new MachineSpec(_machine, 2, 2048, taken, [], null);

        var error = Assert.CatchAsync<LocalKubeException>(async () => await _driver.CreateAsync(spec, new Progress<string>(), cancellationToken));

        Assert.That(error?.Reason, Is.EqualTo(Reasons.PortInUse));
        Assert.That(await _driver.GetStateAsync(_machine, cancellationToken), Is.EqualTo(MachineState.NotFound));
    }

    [Test, CancelAfter(Limit)]
    public async Task GetState_CorruptRecord_IsError(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(State);
        await File.WriteAllTextAsync(Path.Combine(State, "machine.json"), "{ not json", cancellationToken);

        Assert.That(await _driver.GetStateAsync(_machine, cancellationToken), Is.EqualTo(MachineState.Error));
    }

    [Test, CancelAfter(Limit)]
    public async Task Purge_AgentWhosePidFilesAndRecordAreGone_IsFoundByCommandLineAndKilled(CancellationToken cancellationToken)
    {
        await CreateAsync(cancellationToken);
        var pid = await StartAgentAsync(FakeAgentBundle.Create(_temp.Combine("bundle")), cancellationToken);
        File.Delete(Path.Combine(State, "agent.pid"));
        File.Delete(Path.Combine(State, "agent.launch.pid"));
        File.Delete(Path.Combine(State, "machine.json"));

        var removed = await _driver.PurgeAsync(_machine.Profile, _profileDirectory, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(AgentProcessTable.CommandLine(pid), Is.Null, "the orphaned agent is gone");
            Assert.That(removed, Has.Some.Contains(pid.ToString(CultureInfo.InvariantCulture)));
            Assert.That(Directory.Exists(State), Is.False);
        });
    }

    private string State => Path.GetFullPath(_machine.StateDirectory);

    private Task CreateAsync(CancellationToken cancellationToken) =>
        _driver.CreateAsync(new MachineSpec(_machine, 2, 2048, _port, [], null), new Progress<string>(), cancellationToken);

    private async Task<int> StartAgentAsync(string bundle, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]> { ["ca.crt"] = "ca"u8.ToArray(), ["sa.key"] = Encoding.UTF8.GetBytes("key") };
        await _driver.StartAgentAsync(_machine, new AgentLaunch(bundle, files, ["--node-name", _machine.Name]), cancellationToken);

        // The driver returns once the agent wrote its pid file, so the pid is there now.
        var pid = AgentProcessTable.ReadPid(Path.Combine(State, "agent.pid"));
        Assert.That(pid, Is.Not.Null, "agent.pid after StartAgentAsync");
        Assert.That(await _driver.IsAgentRunningAsync(_machine, cancellationToken), Is.True);

        // The pid file comes first; wait until the fake agent has also logged its start-up, so signals find it idle.
        while (!(await MessagesAsync(cancellationToken)).Contains(FakeAgentProtocol.BootPrefix + "1"))
        {
            await Task.Delay(50, cancellationToken);
        }

        return pid!.Value;
    }

    private async Task<List<string>> MessagesAsync(CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        await foreach (var line in _driver.ReadAgentLogAsync(_machine, -1, follow: false, cancellationToken))
        {
            messages.Add(FakeAgentProtocol.ParseMessage(line));
        }

        return messages;
    }
}
