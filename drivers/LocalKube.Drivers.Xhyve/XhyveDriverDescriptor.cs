using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Xhyve;

/// <summary>The xhyve driver's static facts, shared by the driver, its probe and the registration.</summary>
public static class XhyveDriverDescriptor
{
    /// <summary>The driver's name, as given to <c>--driver</c>; also the DI key of its services.</summary>
    public const string Name = "xhyve";

    /// <summary>
    /// The descriptor: named after the seed tutorial's <c>--vm-driver=xhyve</c>, with minikube's name <c>hyperkit</c>
    /// as an alias, and minikube's priority for it: Deprecated (hyperkit is no longer maintained; start warns and
    /// points to docker or qemu). macOS only. The node is reached on its vmnet address.
    /// </summary>
    public static DriverDescriptor Instance { get; } = new(
        Name,
        ["hyperkit"],
        DriverPriority.Deprecated,
        DriverCapabilities.ResourceLimits | DriverCapabilities.Isolated | DriverCapabilities.VirtualMachine | DriverCapabilities.ContainerEngine,
        IsDefaultCandidate: true,
        ["osx"]);
}
