namespace LocalKube.Abstractions.Drivers;

/// <summary>The result of probing a driver on this host (minikube's registry.State).</summary>
/// <param name="Installed">The driver's prerequisites are present (e.g. Docker is installed).</param>
/// <param name="Healthy">The driver can be used right now (e.g. the daemon answers).</param>
/// <param name="Version">Version of the backing tool, when known.</param>
/// <param name="Error">What is wrong, when not healthy.</param>
/// <param name="Fix">What the user should do about it.</param>
/// <param name="Documentation">Where to read more.</param>
/// <param name="ReasonId">A reason ID from the catalog that classifies the failure, when not healthy.</param>
public sealed record DriverHealth(
    bool Installed,
    bool Healthy,
    string? Version = null,
    string? Error = null,
    string? Fix = null,
    string? Documentation = null,
    string? ReasonId = null)
{
    /// <summary>A healthy result.</summary>
    public static DriverHealth Ok(string? version) => new(true, true, version);

    /// <summary>An unhealthy result classified by <paramref name="reason"/>; the fix defaults to the reason's advice.</summary>
    public static DriverHealth Failed(bool installed, Errors.Reason reason, string error, string? fix = null, string? documentation = null) =>
        new(installed, false, Error: error, Fix: fix ?? reason.Advice, Documentation: documentation, ReasonId: reason.Id);
}
