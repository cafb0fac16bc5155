using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

/// <summary>
/// What every driver must do with its machines: create, start, stop, kill, delete, state, endpoint, cancellation,
/// purge. A driver's test project derives one fixture and supplies the driver. Drivers whose node agent the tests can
/// reach derive <see cref="DriverConformanceTests"/> instead, which adds the agent cases and checks the agent in these
/// ones too (a graceful stop stops it, a kill does not, data survives a stop, delete removes it).
/// </summary>
/// <remarks>
/// <para>Which cases apply to which kind of driver:</para>
/// <list type="table">
///   <item><term>real drivers (docker, process, qemu) and the fake</term><description><see cref="DriverConformanceTests"/>: every case.</description></item>
///   <item><term>drivers tested through a fake CLI (hyperv, xhyve)</term><description>
///     this class: the machine lifecycle. Their guest exists only as scripted CLI answers, so there is no agent to reach.</description></item>
/// </list>
/// <para>
/// Each test gets a unique profile (<c>lkc-&lt;8 hex&gt;</c>), a temporary profile folder, a free 127.0.0.1 port and
/// a fake agent bundle (<see cref="FakeAgentBundle"/>); TearDown purges everything the driver made for the profile.
/// A slow driver (a VM under emulation) sets <see cref="ShareMachine"/>: the fixture then keeps one profile and
/// machine for all its cases, in the order given below (destructive cases last), and each case that creates the
/// machine first resets its agent (<see cref="ResetSharedMachineAsync"/>), so it still starts from a fresh node.
/// </para>
/// </remarks>
[Category("Conformance")]
public abstract partial class DriverLifecycleConformanceTests
{
    /// <summary>The NUnit hard limit per test, above <see cref="Timeout"/>, for drivers that hang.</summary>
    protected const int TestLimitMilliseconds = 600_000;

    private TempDirectory? _temp;
    private IDriver? _driver;
    private string? _bundle;

    /// <summary>The driver under test (from <see cref="CreateDriver"/>, one per test or per fixture).</summary>
    protected IDriver Driver => _driver ?? throw new InvalidOperationException("SetUp has not run.");

    /// <summary>This test's profile name.</summary>
    protected string Profile { get; private set; } = "";

    /// <summary>This test's profile folder (<c>&lt;temp&gt;/profiles/&lt;profile&gt;</c>).</summary>
    protected string ProfileDirectory { get; private set; } = "";

    /// <summary>This test's machine: named like the profile, state under the profile's <c>machines</c> folder.</summary>
    protected MachineRef Machine { get; private set; } = null!;

    /// <summary>A machine of this profile that no test creates: for the "not found" cases.</summary>
    protected MachineRef UnknownMachine { get; private set; } = null!;

    /// <summary>A free 127.0.0.1 port for the API server.</summary>
    protected int ApiServerPort { get; private set; }

    /// <summary>The temporary folder of this test (of the fixture when the machine is shared).</summary>
    protected TempDirectory Temp => _temp ?? throw new InvalidOperationException("SetUp has not run.");

    /// <summary>How long one operation or one wait may take. Raise it for slow drivers.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(60);

    /// <summary>The graceful-stop timeout the suite passes to <see cref="IDriver.StopAsync"/>.</summary>
    protected virtual TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    /// <summary>Whether the cases also check the node agent (true in <see cref="DriverConformanceTests"/>).</summary>
    protected virtual bool HasReachableAgent => false;

    /// <summary>One profile and machine for the whole fixture (see the class remarks).</summary>
    protected virtual bool ShareMachine => false;

    /// <summary>Creates the driver under test.</summary>
    protected abstract IDriver CreateDriver();

    /// <summary>The spec the suite creates <paramref name="machine"/> with.</summary>
    protected virtual MachineSpec CreateSpec(MachineRef machine) => new(machine, 2, 2048, ApiServerPort, [], null);

    /// <summary>Writes the agent bundle the suite launches into <paramref name="directory"/> and returns the bundle folder.</summary>
    protected virtual string CreateAgentBundle(string directory) => FakeAgentBundle.Create(directory);

    /// <summary>
    /// With <see cref="ShareMachine"/>: makes the running shared machine as good as new for the next case (stop its
    /// agent, drop the agent's bundle, certificates and data). The default does nothing.
    /// </summary>
    protected virtual Task ResetSharedMachineAsync(MachineRef machine, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Checks a running machine's endpoint. The default: the API server on 127.0.0.1 at the spec's port, and a node
    /// address. Drivers whose node is reachable on its own address (bridged VMs) check that instead.
    /// </summary>
    protected virtual void AssertEndpoint(NodeEndpoint endpoint)
    {
        Assert.Multiple(() =>
        {
            Assert.That(endpoint.ApiServer.Scheme, Is.EqualTo("https"));
            Assert.That(endpoint.ApiServer.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(endpoint.ApiServer.Port, Is.EqualTo(ApiServerPort));
            Assert.That(endpoint.NodeIp, Is.Not.Empty);
            Assert.That(endpoint.Addresses, Does.Contain(endpoint.NodeIp));
        });
    }

    /// <summary>Makes the fixture's profile and driver when the machine is shared.</summary>
    [OneTimeSetUp]
    public void SetUpSharedFixture()
    {
        if (ShareMachine)
        {
            NewProfile();
        }
    }

    /// <summary>Purges the shared profile.</summary>
    [OneTimeTearDown]
    public async Task TearDownSharedFixtureAsync()
    {
        if (ShareMachine)
        {
            await PurgeAndDisposeAsync();
        }
    }

    /// <summary>Makes the profile, folder, port and driver of one test.</summary>
    [SetUp]
    public void SetUpConformance()
    {
        if (!ShareMachine)
        {
            NewProfile();
        }

        UnknownMachine = Machine with
        {
            Name = $"{Machine.Name}-m{RandomNumberGenerator.GetInt32(10, 99).ToString(CultureInfo.InvariantCulture)}",
            StateDirectory = $"{Machine.StateDirectory}-unknown",
        };
    }

    /// <summary>Purges everything of the profile, whatever the test left behind.</summary>
    [TearDown]
    public async Task TearDownConformanceAsync()
    {
        if (!ShareMachine)
        {
            await PurgeAndDisposeAsync();
        }
    }

    /// <summary>A token that ends at <see cref="Timeout"/> or with the test.</summary>
    protected CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        return cts;
    }

    /// <summary>
    /// Creates <see cref="Machine"/> and returns its spec. With a shared machine: brings the existing one up (or
    /// creates it again after a destructive case) and resets it.
    /// </summary>
    protected async Task<MachineSpec> CreateMachineAsync(CancellationToken cancellationToken)
    {
        var spec = CreateSpec(Machine);
        if (ShareMachine && await Driver.GetStateAsync(Machine, cancellationToken) == MachineState.Stopped)
        {
            await Driver.StartAsync(Machine, cancellationToken);
        }

        await Driver.CreateAsync(spec, new Progress<string>(), cancellationToken);
        if (ShareMachine)
        {
            await ResetSharedMachineAsync(Machine, cancellationToken);
        }

        return spec;
    }

    /// <summary>Creates <see cref="Machine"/> and, when the suite reaches agents, starts the fake agent once.</summary>
    protected async Task<MachineSpec> CreateMachineWithAgentAsync(CancellationToken cancellationToken)
    {
        var spec = await CreateMachineAsync(cancellationToken);
        if (HasReachableAgent)
        {
            await StartAgentAsync(1, cancellationToken);
        }

        return spec;
    }

    /// <summary>A launch of the fake bundle with three files (one key) and caller arguments, one with a space.</summary>
    protected AgentLaunch NewLaunch()
    {
        _bundle ??= CreateAgentBundle(Temp.Combine("bundle"));
        var files = new Dictionary<string, byte[]>
        {
            ["ca.crt"] = Encoding.UTF8.GetBytes($"ca-{Profile}\n"),
            ["apiserver.crt"] = Encoding.UTF8.GetBytes($"apiserver-{Profile}\n"),
            ["apiserver.key"] = Encoding.UTF8.GetBytes($"secret-{Profile}\n"),
        };
        return new AgentLaunch(_bundle, files, ["--node-name", Machine.Name, "--extra-config", "kubelet.note=two words"]);
    }

    /// <summary>Starts the fake agent and waits until it has booted <paramref name="boots"/> times.</summary>
    protected async Task<AgentLaunch> StartAgentAsync(int boots, CancellationToken cancellationToken)
    {
        var launch = NewLaunch();
        await Driver.StartAgentAsync(Machine, launch, cancellationToken);
        await WaitForMessagesAsync(m => m.Contains(Boot(boots)), $"'{Boot(boots)}' in the agent log", cancellationToken);
        await WaitUntilAsync(ct => Driver.IsAgentRunningAsync(Machine, ct), "the agent to run", cancellationToken);
        return launch;
    }

    /// <summary>The <c>message</c> of every line of the agent log; fails on a line that is not JSON.</summary>
    protected async Task<List<string>> ReadMessagesAsync(CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        await foreach (var line in Driver.ReadAgentLogAsync(Machine, int.MaxValue, follow: false, cancellationToken))
        {
            messages.Add(FakeAgentProtocol.ParseMessage(line));
        }

        return messages;
    }

    /// <summary>Polls the agent log until <paramref name="condition"/> holds; fails after <see cref="Timeout"/>.</summary>
    protected async Task<List<string>> WaitForMessagesAsync(Func<List<string>, bool> condition, string what, CancellationToken cancellationToken)
    {
        List<string> messages = [];
        await WaitUntilAsync(
            async ct =>
            {
                messages = await ReadMessagesAsync(ct);
                return condition(messages);
            },
            what,
            cancellationToken,
            () => $"Agent log:\n  {string.Join("\n  ", messages)}");
        return messages;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails after <see cref="Timeout"/>.</summary>
    protected async Task WaitUntilAsync(
        Func<CancellationToken, Task<bool>> condition, string what, CancellationToken cancellationToken, Func<string>? details = null)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            while (!await condition(deadline.Token))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"Timed out after {Timeout} waiting for {what}. {details?.Invoke()}");
        }
    }

    /// <summary>The boot message of the <paramref name="n"/>th start of the agent on the same data.</summary>
    protected static string Boot(int n) => FakeAgentProtocol.BootPrefix + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value after <paramref name="flag"/>, or null.</summary>
    protected static string? ValueOf(IReadOnlyList<string> arguments, string flag)
    {
        var i = arguments.ToList().IndexOf(flag);
        return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;
    }

    /// <summary>The arguments the agent logged, in order.</summary>
    protected static List<string> ArgumentsOf(IEnumerable<string> messages) =>
        [.. messages.Where(m => m.StartsWith(FakeAgentProtocol.ArgumentPrefix, StringComparison.Ordinal))
            .Select(m => m[FakeAgentProtocol.ArgumentPrefix.Length..])];

    /// <summary>Whether <paramref name="part"/> appears in <paramref name="all"/> as a contiguous run.</summary>
    protected static bool ContainsInOrder(IReadOnlyList<string> all, IReadOnlyList<string> part)
    {
        for (var start = 0; start + part.Count <= all.Count; start++)
        {
            if (part.Select((p, i) => all[start + i] == p).All(x => x))
            {
                return true;
            }
        }

        return false;
    }

    private void NewProfile()
    {
        _temp = new TempDirectory("lkc");
        Profile = $"lkc-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        ProfileDirectory = Temp.Combine("profiles", Profile);
        Machine = new MachineRef(Profile, Profile, Path.Combine(ProfileDirectory, "machines", Profile));
        ApiServerPort = FreeTcpPort.Get();
        _bundle = null;
        _driver = CreateDriver();
    }

    private async Task PurgeAndDisposeAsync()
    {
        try
        {
            if (_driver is not null)
            {
                using var cts = new CancellationTokenSource(Timeout);
                await _driver.PurgeAsync(Profile, ProfileDirectory, cts.Token);
            }
        }
        finally
        {
            switch (_driver)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }

            _driver = null;
            _temp?.Dispose();
        }
    }
}
