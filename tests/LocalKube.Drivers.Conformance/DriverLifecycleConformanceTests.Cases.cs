using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

// Machine lifecycle: create, start, stop, kill, delete, endpoints, cancellation. The order keeps a shared machine's
// destructive cases last; the agent checks run when the suite can reach the agent (HasReachableAgent).
public abstract partial class DriverLifecycleConformanceTests
{
    [Test, Order(1), CancelAfter(TestLimitMilliseconds)]
    public async Task GetState_UnknownMachine_IsNotFoundWithoutAgent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        var state = await Driver.GetStateAsync(UnknownMachine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(UnknownMachine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(MachineState.NotFound));
            Assert.That(agent, Is.False);
        });
    }

    [Test, Order(2), CancelAfter(TestLimitMilliseconds)]
    public async Task StopAndDelete_MissingMachine_Succeed(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        await Driver.StopAsync(UnknownMachine, StopTimeout, deadline.Token);
        await Driver.DeleteAsync(UnknownMachine, deadline.Token);

        Assert.That(await Driver.GetStateAsync(UnknownMachine, deadline.Token), Is.EqualTo(MachineState.NotFound));
    }

    [Test, Order(3), CancelAfter(TestLimitMilliseconds)]
    public async Task Start_MissingMachine_ThrowsLocalKubeException(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        Assert.That(async () => await Driver.StartAsync(UnknownMachine, deadline.Token), Throws.InstanceOf<LocalKubeException>());
        Assert.That(await Driver.GetStateAsync(UnknownMachine, deadline.Token), Is.EqualTo(MachineState.NotFound));
    }

    [Test, Order(4), CancelAfter(TestLimitMilliseconds)]
    public async Task Create_NewMachine_IsRunningWithApiServerOnSpecPort(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        await CreateMachineAsync(deadline.Token);

        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var endpoint = await Driver.GetEndpointAsync(Machine, deadline.Token);
        Assert.That(state, Is.EqualTo(MachineState.Running));
        AssertEndpoint(endpoint);
    }

    [Test, Order(5), CancelAfter(TestLimitMilliseconds)]
    public async Task Create_Twice_IsNoOpAndKeepsTheAgent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var spec = await CreateMachineWithAgentAsync(deadline.Token);

        await Driver.CreateAsync(spec, new Progress<string>(), deadline.Token);

        Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.Running));
        if (HasReachableAgent)
        {
            var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
            var messages = await ReadMessagesAsync(deadline.Token);
            Assert.Multiple(() =>
            {
                Assert.That(agent, Is.True, "a second create must not touch the running agent");
                Assert.That(messages, Does.Not.Contain(FakeAgentProtocol.Stopped));
            });
        }
    }

    [Test, Order(20), CancelAfter(TestLimitMilliseconds)]
    public async Task Operations_AlreadyCancelledToken_ThrowAndChangeNothing(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var spec = await CreateMachineAsync(deadline.Token);
        var launch = NewLaunch();
        var other = UnknownMachine;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;

        Assert.Multiple(() =>
        {
            Assert.That(async () => await Driver.CreateAsync(CreateSpec(other), new Progress<string>(), token), Throws.InstanceOf<OperationCanceledException>(), "create");
            Assert.That(async () => await Driver.CreateAsync(spec, new Progress<string>(), token), Throws.InstanceOf<OperationCanceledException>(), "create existing");
            Assert.That(async () => await Driver.StartAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "start");
            Assert.That(async () => await Driver.StopAsync(Machine, StopTimeout, token), Throws.InstanceOf<OperationCanceledException>(), "stop");
            Assert.That(async () => await Driver.KillAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "kill");
            Assert.That(async () => await Driver.DeleteAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "delete");
            Assert.That(async () => await Driver.GetStateAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "state");
            Assert.That(async () => await Driver.GetEndpointAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "endpoint");
            Assert.That(async () => await Driver.PurgeAsync(Profile, ProfileDirectory, token), Throws.InstanceOf<OperationCanceledException>(), "purge");
            if (HasReachableAgent)
            {
                Assert.That(async () => await Driver.StartAgentAsync(Machine, launch, token), Throws.InstanceOf<OperationCanceledException>(), "start agent");
                Assert.That(async () => await Driver.IsAgentRunningAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "agent running");
                Assert.That(async () =>
                {
                    await foreach (var _ in Driver.ReadAgentLogAsync(Machine, 10, follow: true, token))
                    {
                    }
                }, Throws.InstanceOf<OperationCanceledException>(), "read log");
            }
        });

        // Nothing happened: the machine still runs, the other was not created, no agent was started.
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.Running));
            Assert.That(await Driver.GetStateAsync(other, deadline.Token), Is.EqualTo(MachineState.NotFound));
            if (HasReachableAgent)
            {
                Assert.That(await Driver.IsAgentRunningAsync(Machine, deadline.Token), Is.False);
            }
        });
    }

    [Test, Order(30), CancelAfter(TestLimitMilliseconds)]
    public async Task StopThenStart_Machine_StopsTheAgentGracefullyKeepsItsDataAndPort(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineWithAgentAsync(deadline.Token);

        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        var stopped = await Driver.GetStateAsync(Machine, deadline.Token);
        var agentAfterStop = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token);
        var started = await Driver.GetStateAsync(Machine, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token); // a no-op when it runs
        var endpoint = await Driver.GetEndpointAsync(Machine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(stopped, Is.EqualTo(MachineState.Stopped));
            Assert.That(agentAfterStop, Is.False);
            Assert.That(started, Is.EqualTo(MachineState.Running));
        });
        AssertEndpoint(endpoint);
        if (HasReachableAgent)
        {
            // The log and the data folder live in the node: both survive, and the old agent stopped on SIGTERM.
            await StartAgentAsync(2, deadline.Token);
            var messages = await ReadMessagesAsync(deadline.Token);
            Assert.Multiple(() =>
            {
                Assert.That(messages, Does.Contain(Boot(1)).And.Contain(Boot(2)), "the boot counter in the data folder survived");
                Assert.That(messages.Count(m => m == FakeAgentProtocol.Stopped), Is.EqualTo(1), "the SIGTERM handler ran once");
                Assert.That(messages.IndexOf(FakeAgentProtocol.Stopped), Is.GreaterThan(messages.IndexOf(Boot(1))));
                Assert.That(messages.IndexOf(FakeAgentProtocol.Stopped), Is.LessThan(messages.IndexOf(Boot(2))));
            });
        }
    }

    [Test, Order(31), CancelAfter(TestLimitMilliseconds)]
    public async Task Kill_ThenStop_DoesNotThrowAndNothingStopsGracefully(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineWithAgentAsync(deadline.Token);

        await Driver.KillAsync(Machine, deadline.Token);
        var killed = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        var stopped = await Driver.GetStateAsync(Machine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(killed, Is.EqualTo(MachineState.Stopped));
            Assert.That(agent, Is.False);
            Assert.That(stopped, Is.EqualTo(MachineState.Stopped));
        });

        await Driver.StartAsync(Machine, deadline.Token);
        Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.Running), "starts again after a kill");
        if (HasReachableAgent)
        {
            // The node's data survived the kill too: the next agent counts boot 2.
            await StartAgentAsync(2, deadline.Token);
            var messages = await ReadMessagesAsync(deadline.Token);
            Assert.That(messages, Does.Not.Contain(FakeAgentProtocol.Stopped), "a killed agent gets no chance to log");
        }
    }

    [Test, Order(32), CancelAfter(TestLimitMilliseconds)]
    public async Task Delete_Machine_RemovesItAndItsDataAndIsIdempotent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineWithAgentAsync(deadline.Token);

        await Driver.DeleteAsync(Machine, deadline.Token);
        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        await Driver.DeleteAsync(Machine, deadline.Token);
        var stateAfterSecondDelete = await Driver.GetStateAsync(Machine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(MachineState.NotFound));
            Assert.That(agent, Is.False);
            Assert.That(stateAfterSecondDelete, Is.EqualTo(MachineState.NotFound));
        });

        if (HasReachableAgent)
        {
            // A new machine of the same name starts from scratch: the agent's data went with the old one.
            await CreateMachineAsync(deadline.Token);
            await StartAgentAsync(1, deadline.Token);
            var messages = await ReadMessagesAsync(deadline.Token);
            Assert.That(messages, Does.Not.Contain(Boot(2)));
        }
    }

    [Test, Order(33), CancelAfter(TestLimitMilliseconds)]
    public async Task Purge_Profile_RemovesItsMachineOnly(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineWithAgentAsync(deadline.Token);

        var otherProfile = Profile + "x";

        var unrelated = await Driver.PurgeAsync(otherProfile, Temp.Combine("profiles", otherProfile), deadline.Token);
        var stillRunning = await Driver.GetStateAsync(Machine, deadline.Token);
        var agentStillRunning = !HasReachableAgent || await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var removed = await Driver.PurgeAsync(Profile, ProfileDirectory, deadline.Token);
        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var again = await Driver.PurgeAsync(Profile, ProfileDirectory, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(unrelated, Is.Empty, "another profile's purge finds nothing of ours");
            Assert.That(stillRunning, Is.EqualTo(MachineState.Running));
            Assert.That(agentStillRunning, Is.True);
            Assert.That(removed, Is.Not.Empty, "purge reports what it removed");
            Assert.That(state, Is.EqualTo(MachineState.NotFound));
            Assert.That(agent, Is.False);
            Assert.That(again, Is.Empty, "nothing left to purge");
        });
    }
}
