using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Drivers;

/// <summary>A driver and what its health check said.</summary>
/// <param name="Descriptor">The driver.</param>
/// <param name="Health">The probe's answer (a timeout or a crash of the probe is reported as unhealthy).</param>
/// <param name="Elapsed">How long the probe took.</param>
public sealed record DriverProbeResult(DriverDescriptor Descriptor, DriverHealth Health, TimeSpan Elapsed);
