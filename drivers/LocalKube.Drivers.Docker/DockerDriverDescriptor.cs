using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>The docker driver's static facts, shared by the driver, its probe and the registration.</summary>
public static class DockerDriverDescriptor
{
    /// <summary>The driver's name, as given to <c>--driver</c>; also the DI key of its services.</summary>
    public const string Name = "docker";

    /// <summary>The descriptor: HighlyPreferred, a default candidate, on Linux, macOS and Windows.</summary>
    public static DriverDescriptor Instance { get; } = new(
        Name,
        [],
        DriverPriority.HighlyPreferred,
        DriverCapabilities.ResourceLimits | DriverCapabilities.PortPublishing | DriverCapabilities.MultiNode
            | DriverCapabilities.NodeImage | DriverCapabilities.Isolated | DriverCapabilities.ContainerEngine,
        IsDefaultCandidate: true,
        ["linux", "osx", "windows"]);
}
