using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Drivers;

/// <summary>One driver known to the <see cref="DriverRegistry"/>.</summary>
/// <param name="Descriptor">Its static facts.</param>
/// <param name="CreateDriver">Returns the driver (resolved lazily: a driver may open connections when built).</param>
/// <param name="CreateProbe">Returns its health probe.</param>
public sealed record DriverRegistration(DriverDescriptor Descriptor, Func<IDriver> CreateDriver, Func<IDriverProbe> CreateProbe);
