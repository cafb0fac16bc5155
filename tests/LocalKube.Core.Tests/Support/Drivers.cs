using LocalKube.Abstractions.Drivers;
using LocalKube.Core.Drivers;

namespace LocalKube.Core.Tests.Support;

/// <summary>Descriptors and registrations for registry and selector tests.</summary>
internal static class Drivers
{
    public static DriverDescriptor Descriptor(
        string name,
        DriverPriority priority = DriverPriority.Default,
        bool isDefault = true,
        string[]? aliases = null,
        string[]? platforms = null) =>
        new(name, aliases ?? [], priority, DriverCapabilities.None, isDefault, platforms ?? ["linux"]);

    public static DriverRegistration Registration(DriverDescriptor descriptor, IDriverProbe probe) =>
        new(descriptor, () => new StubDriver(descriptor), () => probe);

    public static DriverHealth Healthy => DriverHealth.Ok("1.0");

    public static DriverHealth NotInstalled(string? reasonId = null) =>
        new(false, false, Error: "not found on PATH", Fix: "install it", Documentation: "https://example.com/install", ReasonId: reasonId);

    public static DriverHealth NotRunning(string? reasonId = null) =>
        new(true, false, Error: "daemon not answering", Fix: "start it", ReasonId: reasonId);
}
