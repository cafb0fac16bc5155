namespace LocalKube.Core.Drivers;

/// <summary>The outcome of <see cref="DriverSelector.SelectAsync"/>.</summary>
/// <param name="Pick">The driver to use, with its health.</param>
/// <param name="Source">Why it was chosen.</param>
/// <param name="Alternates">Other healthy candidates, best first (empty unless automatic); start may fall back to them.</param>
/// <param name="Rejected">Candidates not picked and why (empty unless automatic), in preference order.</param>
public sealed record DriverSelection(
    DriverProbeResult Pick,
    DriverSelectionSource Source,
    IReadOnlyList<DriverProbeResult> Alternates,
    IReadOnlyList<DriverRejection> Rejected);
