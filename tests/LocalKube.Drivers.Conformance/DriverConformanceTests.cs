using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

/// <summary>
/// What every driver must do. A driver's test project derives one fixture from this class and supplies the driver.
/// Each test gets a unique profile (<c>lkc-&lt;8 hex&gt;</c>), a temporary profile folder, a free 127.0.0.1 port, and
/// a fake agent bundle (<see cref="FakeAgentBundle"/>); TearDown purges everything the driver made for the profile.
/// </summary>
/// <remarks>
/// The suite sees the agent only through the <see cref="IDriver"/> API: its log (read with
/// <see cref="IDriver.ReadAgentLogAsync"/>) says what it was given, per <see cref="FakeAgentProtocol"/>. So the same
/// assertions hold for a real agent process and for <see cref="FakeDriver"/>'s simulated one. Real drivers add stricter
/// checks through <see cref="AssertAgentArguments"/> and <see cref="AssertSingleAgentAsync"/>.
/// </remarks>
[Category("Conformance")]
public abstract partial class DriverConformanceTests
{
    /// <summary>The NUnit hard limit per test, above <see cref="Timeout"/>, for drivers that hang.</summary>
    protected const int TestLimitMilliseconds = 300_000;

    private TempDirectory? _temp;
    private IDriver? _driver;
    private string? _bundle;

    /// <summary>The driver under test (from <see cref="CreateDriver"/>, one per test).</summary>
    protected IDriver Driver => _driver ?? throw new InvalidOperationException("SetUp has not run.");

    /// <summary>This test's profile name.</summary>
    protected string Profile { get; private set; } = "";

    /// <summary>This test's profile folder (<c>&lt;temp&gt;/profiles/&lt;profile&gt;</c>).</summary>
    protected string ProfileDirectory { get; private set; } = "";

    /// <summary>This test's machine: named like the profile, state under the profile's <c>machines</c> folder.</summary>
    protected MachineRef Machine { get; private set; } = null!;

    /// <summary>A free 127.0.0.1 port for the API server.</summary>
    protected int ApiServerPort { get; private set; }

    /// <summary>The temporary folder of this test.</summary>
    protected TempDirectory Temp => _temp ?? throw new InvalidOperationException("SetUp has not run.");

    /// <summary>How long one operation or one wait may take. Raise it for slow drivers.</summary>
    protected virtual TimeSpan Timeout => TimeSpan.FromSeconds(60);

    /// <summary>The graceful-stop timeout the suite passes to <see cref="IDriver.StopAsync"/>.</summary>
    protected virtual TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    /// <summary>Creates the driver under test. Called once per test.</summary>
    protected abstract IDriver CreateDriver();

    /// <summary>The spec the suite creates <paramref name="machine"/> with.</summary>
    protected virtual MachineSpec CreateSpec(MachineRef machine) => new(machine, 2, 2048, ApiServerPort, [], null);

    /// <summary>Writes the agent bundle the suite launches into <paramref name="directory"/> and returns the bundle folder.</summary>
    protected virtual string CreateAgentBundle(string directory) => FakeAgentBundle.Create(directory);

    /// <summary>
    /// Checks the arguments the agent received (after <c>run</c>). The default checks that each driver-owned flag is
    /// there once with a plausible value and that the caller's arguments follow in order; real drivers also check values.
    /// </summary>
    protected virtual void AssertAgentArguments(IReadOnlyList<string> arguments, MachineSpec spec, AgentLaunch launch)
    {
        Assert.Multiple(() =>
        {
            foreach (var flag in DriverOwnedFlags)
            {
                Assert.That(arguments.Count(a => a == flag), Is.EqualTo(1), $"{flag} once in [{string.Join(' ', arguments)}]");
                var value = ValueOf(arguments, flag);
                Assert.That(value, Is.Not.Null.And.Not.Empty.And.Not.StartWith("--"), $"value of {flag}");
            }

            Assert.That(IPAddress.TryParse(ValueOf(arguments, "--bind-address"), out _), Is.True, "--bind-address is an IP");
            Assert.That(int.TryParse(ValueOf(arguments, "--secure-port"), CultureInfo.InvariantCulture, out _), Is.True, "--secure-port is a number");
            Assert.That(ContainsInOrder(arguments, launch.Arguments), Is.True,
                $"the caller's arguments [{string.Join(' ', launch.Arguments)}] in [{string.Join(' ', arguments)}]");
        });
    }

    /// <summary>
    /// Checks that exactly one agent runs for <see cref="Machine"/>, beyond what the log shows. Real drivers count
    /// processes here; the default does nothing.
    /// </summary>
    protected virtual Task AssertSingleAgentAsync(MachineRef machine, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The flags the driver owns and must pass to the agent.</summary>
    protected static IReadOnlyList<string> DriverOwnedFlags { get; } =
        ["--data-dir", "--cert-dir", "--bind-address", "--secure-port", "--pid-file"];

    /// <summary>Makes the profile, folder, port and driver of one test.</summary>
    [SetUp]
    public void SetUpConformance()
    {
        _temp = new TempDirectory("lkc");
        Profile = $"lkc-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        ProfileDirectory = Temp.Combine("profiles", Profile);
        Machine = new MachineRef(Profile, Profile, Path.Combine(ProfileDirectory, "machines", Profile));
        ApiServerPort = FreeTcpPort.Get();
        _bundle = null;
        _driver = CreateDriver();
    }

    /// <summary>Purges everything of the profile, whatever the test left behind.</summary>
    [TearDown]
    public async Task TearDownConformanceAsync()
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

    /// <summary>A token that ends at <see cref="Timeout"/> or with the test.</summary>
    protected CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        return cts;
    }

    /// <summary>Creates <see cref="Machine"/> and returns its spec.</summary>
    protected async Task<MachineSpec> CreateMachineAsync(CancellationToken cancellationToken)
    {
        var spec = CreateSpec(Machine);
        await Driver.CreateAsync(spec, new RecordingProgress(), cancellationToken);
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

    private static bool ContainsInOrder(IReadOnlyList<string> all, IReadOnlyList<string> part)
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

    private sealed class RecordingProgress : IProgress<string>
    {
        public List<string> Messages { get; } = [];

        public void Report(string value) => Messages.Add(value);
    }
}
