using Docker.DotNet;
using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>
/// One driver, one unique profile and one state folder per test; TearDown purges every Docker object labelled with
/// the profile, so a failing test leaves nothing behind.
/// </summary>
public abstract class DockerDriverTestBase
{
    private CancellationTokenSource? _cts;

    protected DockerDriver Driver { get; private set; } = null!;

    protected DockerClient Docker { get; private set; } = null!;

    protected TempDirectory State { get; private set; } = null!;

    protected string Profile { get; private set; } = null!;

    protected MachineRef Machine { get; private set; } = null!;

    protected int ApiPort { get; private set; }

    /// <summary>Bounds each test; the first one may build the node image (about a minute).</summary>
    protected CancellationToken Token => _cts!.Token;

    [SetUp]
    public void SetUpDriver()
    {
        _cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Driver = new DockerDriver(DockerTestSupport.Options());
        Docker = DockerTestSupport.Client();
        State = new TempDirectory("lkt");
        Profile = DockerTestSupport.NewProfile();
        Machine = DockerTestSupport.Machine(Profile, State);
        ApiPort = DockerTestSupport.FreePort();
    }

    [TearDown]
    public async Task TearDownDriver()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            var removed = await Driver.PurgeAsync(Profile, State.Path, cts.Token);
            if (removed.Count > 0)
            {
                await TestContext.Out.WriteLineAsync($"purged: {string.Join(", ", removed)}");
            }
        }
        finally
        {
            Driver.Dispose();
            Docker.Dispose();
            State.Dispose();
            _cts?.Dispose();
        }
    }

    protected Task CreateAsync(params PortMapping[] ports) =>
        Driver.CreateAsync(DockerTestSupport.Spec(Machine, ApiPort, ports), DockerTestSupport.Progress(), Token);

    /// <summary>Runs a shell script in the node and returns its result.</summary>
    protected async Task<(long ExitCode, string Stdout, string Stderr)> ExecAsync(string script)
    {
        var result = await DockerExec.ShellAsync(Docker, Machine.Name, script, Token);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>Every Docker object (container, volume, network) labelled with this test's profile.</summary>
    protected async Task<IReadOnlyList<string>> LabelledObjectsAsync()
    {
        var containers = await DockerResources.ListContainersAsync(Docker, Profile, Token);
        var volumes = await DockerResources.ListVolumesAsync(Docker, Profile, Token);
        var networks = await DockerResources.ListNetworksAsync(Docker, Profile, Token);
        return
        [
            .. containers.Select(c => "container " + c.ID),
            .. volumes.Select(v => "volume " + v.Name),
            .. networks.Select(n => "network " + n.Name),
        ];
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout passes.</summary>
    protected async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100, Token);
        }

        return await condition();
    }
}
