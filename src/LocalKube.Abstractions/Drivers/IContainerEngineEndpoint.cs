namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// A driver whose node's container engine can be reached from the host over TLS (<c>localkube docker-env</c>), on an
/// address published to 127.0.0.1 only. Optional beside <see cref="IDriver"/>.
/// </summary>
public interface IContainerEngineEndpoint
{
    /// <summary>
    /// The engine's address on the host (<c>tcp://127.0.0.1:PORT</c>) for a running machine, or null when the machine
    /// was created without one (<see cref="MachineSpec.EngineTls"/> was not given).
    /// </summary>
    Task<Uri?> GetEngineEndpointAsync(MachineRef machine, CancellationToken cancellationToken);
}
