using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Tests.Support;

/// <summary>A driver that only has a descriptor; the registry and selector never call the machine methods.</summary>
internal sealed class StubDriver(DriverDescriptor descriptor) : IDriver
{
    public DriverDescriptor Descriptor { get; } = descriptor;

    public Task CreateAsync(MachineSpec spec, IProgress<string> progress, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StartAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(MachineRef machine, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task KillAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<MachineState> GetStateAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<NodeEndpoint> GetEndpointAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StartAgentAsync(MachineRef machine, AgentLaunch launch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> IsAgentRunningAsync(MachineRef machine, CancellationToken cancellationToken) => throw new NotSupportedException();

    public IAsyncEnumerable<string> ReadAgentLogAsync(MachineRef machine, int tailLines, bool follow, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<string>> PurgeAsync(string profile, string profileDirectory, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
