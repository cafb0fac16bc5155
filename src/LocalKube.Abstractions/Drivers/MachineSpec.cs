namespace LocalKube.Abstractions.Drivers;

/// <summary>Everything a driver needs to create a node machine.</summary>
/// <param name="Machine">Which machine.</param>
/// <param name="Cpus">CPU limit (drivers with <see cref="DriverCapabilities.ResourceLimits"/>).</param>
/// <param name="MemoryMiB">Memory limit in MiB (drivers with <see cref="DriverCapabilities.ResourceLimits"/>).</param>
/// <param name="ApiServerHostPort">The 127.0.0.1 port on the host where the API server must be reachable.</param>
/// <param name="Ports">Extra node ports to publish (drivers with <see cref="DriverCapabilities.PortPublishing"/>).</param>
/// <param name="BaseImage">Node image override (drivers with <see cref="DriverCapabilities.NodeImage"/>); null means the built-in image.</param>
public sealed record MachineSpec(
    MachineRef Machine,
    int Cpus,
    long MemoryMiB,
    int ApiServerHostPort,
    IReadOnlyList<PortMapping> Ports,
    string? BaseImage)
{
    /// <summary>
    /// Driver-specific settings chosen at creation, by flag name without the dashes (e.g.
    /// <c>hyperv-virtual-switch</c>). Drivers ignore the ones that are not theirs.
    /// </summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Serve the node's container engine over TLS on a 127.0.0.1 host port (drivers implementing
    /// <see cref="IContainerEngineEndpoint"/>); null for none. Applied only when the machine is created.
    /// </summary>
    public EngineTls? EngineTls { get; init; }
}
