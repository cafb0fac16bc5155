using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.HyperV;

/// <summary>The hyperv driver's static facts, shared by the driver, its probe and the registration.</summary>
public static class HyperVDriverDescriptor
{
    /// <summary>The driver's name, as given to <c>--driver</c>; also the DI key of its services.</summary>
    public const string Name = "hyperv";

    /// <summary>
    /// The descriptor: minikube's priority for hyperv (Preferred), below a healthy docker (HighlyPreferred). Windows
    /// only. The node is reached on its own address on the virtual switch, so <c>--ports</c> does not apply.
    /// </summary>
    public static DriverDescriptor Instance { get; } = new(
        Name,
        [],
        DriverPriority.Preferred,
        DriverCapabilities.ResourceLimits | DriverCapabilities.Isolated | DriverCapabilities.VirtualMachine | DriverCapabilities.ContainerEngine,
        IsDefaultCandidate: true,
        ["windows"]);
}
