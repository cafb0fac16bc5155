using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

// Machine lifecycle: create, start, stop, kill, delete, endpoints, cancellation.
public abstract partial class DriverConformanceTests
{
    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task GetState_UnknownMachine_IsNotFoundWithoutAgent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(MachineState.NotFound));
            Assert.That(agent, Is.False);
        });
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Create_NewMachine_IsRunningWithApiServerOnSpecPort(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        await CreateMachineAsync(deadline.Token);

        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var endpoint = await Driver.GetEndpointAsync(Machine, deadline.Token);
        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(MachineState.Running));
            Assert.That(endpoint.ApiServer.Scheme, Is.EqualTo("https"));
            Assert.That(endpoint.ApiServer.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(endpoint.ApiServer.Port, Is.EqualTo(ApiServerPort));
            Assert.That(endpoint.NodeIp, Is.Not.Empty);
            Assert.That(endpoint.Addresses, Does.Contain(endpoint.NodeIp));
        });
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Create_Twice_IsNoOpAndKeepsTheAgent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var spec = await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

        await Driver.CreateAsync(spec, new Progress<string>(), deadline.Token);

        var state = await Driver.GetStateAsync(Machine, deadline.Token);
        var agent = await Driver.IsAgentRunningAsync(Machine, deadline.Token);
        var messages = await ReadMessagesAsync(deadline.Token);
        Assert.Multiple(() =>
        {
            Assert.That(state, Is.EqualTo(MachineState.Running));
            Assert.That(agent, Is.True, "a second create must not touch the running agent");
            Assert.That(messages, Does.Not.Contain(FakeAgentProtocol.Stopped));
        });
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task StopThenStart_Machine_IsStoppedThenRunningOnTheSamePort(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);

        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        var stopped = await Driver.GetStateAsync(Machine, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token);
        var started = await Driver.GetStateAsync(Machine, deadline.Token);
        await Driver.StartAsync(Machine, deadline.Token); // a no-op when it runs
        var endpoint = await Driver.GetEndpointAsync(Machine, deadline.Token);

        Assert.Multiple(() =>
        {
            Assert.That(stopped, Is.EqualTo(MachineState.Stopped));
            Assert.That(started, Is.EqualTo(MachineState.Running));
            Assert.That(endpoint.ApiServer.Port, Is.EqualTo(ApiServerPort));
        });
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task StopAndDelete_MissingMachine_Succeed(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        await Driver.StopAsync(Machine, StopTimeout, deadline.Token);
        await Driver.DeleteAsync(Machine, deadline.Token);

        Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.NotFound));
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Start_MissingMachine_ThrowsLocalKubeException(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);

        Assert.That(async () => await Driver.StartAsync(Machine, deadline.Token), Throws.InstanceOf<LocalKubeException>());
        Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.NotFound));
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Delete_MachineWithAgent_RemovesItAndItsDataAndIsIdempotent(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

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

        // A new machine of the same name starts from scratch: the agent's data went with the old one.
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);
        var messages = await ReadMessagesAsync(deadline.Token);
        Assert.That(messages, Does.Not.Contain(Boot(2)));
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Kill_ThenStop_DoesNotThrowAndNothingStopsGracefully(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await CreateMachineAsync(deadline.Token);
        await StartAgentAsync(1, deadline.Token);

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
        var messages = await ReadMessagesAsync(deadline.Token);
        Assert.That(messages, Does.Not.Contain(FakeAgentProtocol.Stopped), "a killed agent gets no chance to log");
    }

    [Test, CancelAfter(TestLimitMilliseconds)]
    public async Task Operations_AlreadyCancelledToken_ThrowAndChangeNothing(CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var spec = await CreateMachineAsync(deadline.Token);
        var launch = NewLaunch();
        var other = Machine with { Name = Machine.Name + "-m02", StateDirectory = Machine.StateDirectory + "-m02" };
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
            Assert.That(async () => await Driver.StartAgentAsync(Machine, launch, token), Throws.InstanceOf<OperationCanceledException>(), "start agent");
            Assert.That(async () => await Driver.IsAgentRunningAsync(Machine, token), Throws.InstanceOf<OperationCanceledException>(), "agent running");
            Assert.That(async () => await Driver.PurgeAsync(Profile, ProfileDirectory, token), Throws.InstanceOf<OperationCanceledException>(), "purge");
            Assert.That(async () =>
            {
                await foreach (var _ in Driver.ReadAgentLogAsync(Machine, 10, follow: true, token))
                {
                }
            }, Throws.InstanceOf<OperationCanceledException>(), "read log");
        });

        // Nothing happened: the machine still runs, the other was not created, no agent was started.
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Driver.GetStateAsync(Machine, deadline.Token), Is.EqualTo(MachineState.Running));
            Assert.That(await Driver.GetStateAsync(other, deadline.Token), Is.EqualTo(MachineState.NotFound));
            Assert.That(await Driver.IsAgentRunningAsync(Machine, deadline.Token), Is.False);
        });
    }
}
