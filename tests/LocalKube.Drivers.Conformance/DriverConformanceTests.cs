using System.Globalization;
using System.Net;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

/// <summary>
/// The whole suite for drivers whose node agent the tests can reach: the machine lifecycle of
/// <see cref="DriverLifecycleConformanceTests"/> with its agent checks, plus the agent cases here (launch contract,
/// files, logs, restarts).
/// </summary>
/// <remarks>
/// The suite sees the agent only through the <see cref="IDriver"/> API: its log (read with
/// <see cref="IDriver.ReadAgentLogAsync"/>) says what it was given, per <see cref="FakeAgentProtocol"/>. So the same
/// assertions hold for a real agent process and for <see cref="FakeDriver"/>'s simulated one. Real drivers add stricter
/// checks through <see cref="AssertAgentArguments"/> and <see cref="AssertSingleAgentAsync"/>.
/// </remarks>
public abstract class DriverConformanceTests : DriverLifecycleConformanceTests
{
    /// <summary>The flags the driver owns and must pass to the agent.</summary>
    protected static IReadOnlyList<string> DriverOwnedFlags { get; } =
        ["--data-dir", "--cert-dir", "--bind-address", "--secure-port", "--pid-file"];

    /// <inheritdoc />
    protected sealed override bool HasReachableAgent => true;

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
    /// Checks that exactly one agent runs for <see cref="DriverLifecycleConformanceTests.Machine"/>, beyond what the
    /// log shows. Real drivers count processes here; the default does nothing.
    /// </summary>
    protected virtual Task AssertSingleAgentAsync(MachineRef machine, CancellationToken cancellationToken) => Task.CompletedTask;

    [Test, Order(10), CancelAfter(TestLimitMilliseconds)]
    public async Task StartAgent_FakeBundle_RunsWithDriverArgumentsAndReadableFiles(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var spec = await CreateMachineAsync(deadline.Token);

        var launch = await StartAgentAsync(1, deadline.Token);

        var messages = await ReadMessagesAsync(deadline.Token);
        AssertAgentArguments(ArgumentsOf(messages), spec, launch);
        Assert.Multiple(() =>
        {
            Assert.That(messages.Count(m => m.StartsWith(FakeAgentProtocol.StartedPrefix, StringComparison.Ordinal)), Is.EqualTo(1));
            foreach (var (name, bytes) in launch.Files)
            {
                var content = Encoding.UTF8.GetString(bytes).TrimEnd('\n');
                var line = messages.SingleOrDefault(m => m.StartsWith($"{FakeAgentProtocol.FilePrefix}{name} ", StringComparison.Ordinal));
                Assert.That(line, Is.Not.Null.And.EndWith($" content={content}"), $"the agent read {name}");
                if (name.EndsWith(".key", StringComparison.Ordinal))
                {
                    Assert.That(line, Does.Contain(" mode=-rw------- "), $"{name} is 0600");
                }
            }
        });
        await AssertSingleAgentAsync(Machine, deadline.Token);
    }

    [Test, Order(11), CancelAfter(TestLimitMilliseconds)]
    public async Task StartAgent_BundleWithoutAgent_ThrowsAssetNotFound(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        var empty = Temp.Combine("empty-bundle");
        Directory.CreateDirectory(empty);
        var launch = NewLaunch() with { BundleDirectory = empty };

        var error = Assert.CatchAsync<LocalKubeException>(async () => await Driver.StartAgentAsync(Machine, launch, deadline.Token));

        Assert.That(error?.Reason, Is.EqualTo(Reasons.AssetNotFound));
        Assert.That(await Driver.IsAgentRunningAsync(Machine, deadline.Token), Is.False);
    }

    [Test, Order(12), CancelAfter(TestLimitMilliseconds)]
    public async Task ReadAgentLog_Tail_ReturnsTheLastLines(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

        var all = await ReadLinesAsync(int.MaxValue, deadline.Token);
        var lastTwo = await ReadLinesAsync(2, deadline.Token);
        var none = await ReadLinesAsync(0, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Count.GreaterThan(2));
            Assert.That(lastTwo, Is.EqualTo(all[^2..]));
            Assert.That(FakeAgentProtocol.ParseMessage(lastTwo[^1]), Is.EqualTo(Boot(1)));
            Assert.That(none, Is.Empty);
        });
    }

    [Test, Order(13), CancelAfter(TestLimitMilliseconds)]
    public async Task ReadAgentLog_Follow_YieldsNewLinesUntilCancelled(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);
        using var follow = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var lines = Driver.ReadAgentLogAsync(Machine, int.MaxValue, follow: true, follow.Token).GetAsyncEnumerator(follow.Token);
        await using var _ = lines;

        // The first line proves the follower runs; only then is the agent restarted, so boot 2 is news to it.
        Assert.That(await lines.MoveNextAsync(), Is.True);
        await Driver.StartAgentAsync(Machine, NewLaunch(), deadline.Token);
        var seen = new List<string>();
        while (!seen.Contains(Boot(2)))
        {
            Assert.That(await lines.MoveNextAsync(), Is.True, $"follow ended early after: {string.Join(" | ", seen)}");
            seen.Add(FakeAgentProtocol.ParseMessage(lines.Current));
        }

        await follow.CancelAsync();
        var ended = false;
        try
        {
            ended = !await lines.MoveNextAsync().AsTask().WaitAsync(Timeout, deadline.Token);
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            ended = true;
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen, Does.Contain(FakeAgentProtocol.Stopped), "the old agent's stop, live");
            Assert.That(ended, Is.True, "cancellation ends the follow");
        });
    }

    [Test, Order(14), CancelAfter(TestLimitMilliseconds)]
    public async Task StartAgent_Twice_StopsTheFirstAndLeavesOneRunning(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

        await StartAgentAsync(2, deadline.Token);

        var messages = await ReadMessagesAsync(deadline.Token);
        var started = messages.FindAll(m => m.StartsWith(FakeAgentProtocol.StartedPrefix, StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(started, Has.Count.EqualTo(2));
            Assert.That(started.Distinct().Count(), Is.EqualTo(2), "two different processes");
            Assert.That(messages.Count(m => m == FakeAgentProtocol.Stopped), Is.EqualTo(1), "the first one stopped gracefully");
            Assert.That(messages.IndexOf(FakeAgentProtocol.Stopped), Is.LessThan(messages.LastIndexOf(started[1])), "before the second started");
        });
        Assert.That(await Driver.IsAgentRunningAsync(Machine, deadline.Token), Is.True);
        await AssertSingleAgentAsync(Machine, deadline.Token);
    }

    private async Task<List<string>> ReadLinesAsync(int tailLines, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await foreach (var line in Driver.ReadAgentLogAsync(Machine, tailLines, follow: false, cancellationToken))
        {
            lines.Add(line);
        }

        return lines;
    }
}
