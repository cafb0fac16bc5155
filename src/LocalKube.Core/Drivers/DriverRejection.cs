using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Drivers;

/// <summary>A driver auto-selection considered and did not pick, with why and what to do.</summary>
/// <param name="Descriptor">The driver.</param>
/// <param name="Reason">Why it was not picked, e.g. "not healthy: the Docker daemon does not answer".</param>
/// <param name="Fix">What the user can do, when known.</param>
/// <param name="Documentation">Where to read more, when known.</param>
public sealed record DriverRejection(DriverDescriptor Descriptor, string Reason, string? Fix, string? Documentation);
