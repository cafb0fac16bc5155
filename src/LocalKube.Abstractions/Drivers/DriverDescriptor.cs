namespace LocalKube.Abstractions.Drivers;

/// <summary>Static facts about a driver, used by the registry and by auto-selection.</summary>
/// <param name="Name">Canonical name, as given to <c>--driver</c>.</param>
/// <param name="Aliases">Other accepted names (e.g. <c>none</c> for <c>process</c>).</param>
/// <param name="Priority">Auto-selection preference.</param>
/// <param name="Capabilities">What the driver supports.</param>
/// <param name="IsDefaultCandidate">Whether auto-selection may pick it without <c>--driver</c>.</param>
/// <param name="Platforms">Host OSes it runs on: <c>linux</c>, <c>osx</c>, <c>windows</c>.</param>
public sealed record DriverDescriptor(
    string Name,
    IReadOnlyList<string> Aliases,
    DriverPriority Priority,
    DriverCapabilities Capabilities,
    bool IsDefaultCandidate,
    IReadOnlyList<string> Platforms)
{
    /// <summary>True when <paramref name="name"/> is this driver's name or one of its aliases.</summary>
    public bool Matches(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the driver supports every flag in <paramref name="capabilities"/>.</summary>
    public bool Has(DriverCapabilities capabilities) => (Capabilities & capabilities) == capabilities;
}
