using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

// The node agent: launch contract, files, logs, graceful stop, restarts, data, purge.
public abstract partial class DriverConformanceTests
{
    [Test, CancelAfter(TestLimitMilliseconds)]
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

    [Test, CancelAfter(TestLimitMilliseconds)]
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

    [Test, CancelAfter(TestLimitMilliseconds)]
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

    [Test, CancelAfter(TestLimitMilliseconds)]
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

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Stop_RunningAgent_StopsItGracefullyAndKeepsItsLog(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token);
        var messages = await ReadMessagesAsync(deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(agent, Is.False);
            Assert.That(state, Is.EqualTo(MachineState.Stopped));
            Assert.That(messages.Count(m => m == FakeAgentProtocol.Stopped), Is.EqualTo(1), "the SIGTERM handler ran once");
            Assert.That(messages.IndexOf(FakeAgentProtocol.Stopped), Is.GreaterThan(messages.IndexOf(Boot(1))));
        });
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
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

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task AgentData_StopThenStart_Survives(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token);
        await StartAgentAsync(2, deadline.Token);

        var messages = await ReadMessagesAsync(deadline.Token);
        Assert.That(messages, Does.Contain(Boot(1)).And.Contain(Boot(2)), "the boot counter in the data folder survived");
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Purge_Profile_RemovesItsMachineAndAgentOnly(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);
        var otherProfile = Profile + "x";

        var unrelated = await Driver.PurgeAsync(otherProfile, Temp.Combine("profiles", otherProfile), deadline.Token);
        var stillRunning = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var removed = await Driver.PurgeAsync(Profile, ProfileDirectory, deadline.Token);
        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var again = await Driver.PurgeAsync(Profile, ProfileDirectory, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(unrelated, Is.Empty, "another profile's purge finds nothing of ours");
            Assert.That(stillRunning, Is.True);
            Assert.That(removed, Is.Not.Empty, "purge reports what it removed");
            Assert.That(state, Is.EqualTo(MachineState.NotFound));
            Assert.That(agent, Is.False);
            Assert.That(again, Is.Empty, "nothing left to purge");
        });
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
