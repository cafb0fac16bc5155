using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>The labels on every Docker object the driver makes, and the checks that an object is ours.</summary>
internal static class DockerLabels
{
    /// <summary>Labels for an object of <paramref name="machine"/>.</summary>
    public static Dictionary<string, string> For(MachineRef machine) => new()
    {
        [WellKnownLabels.Profile] = machine.Profile,
        [WellKnownLabels.Machine] = machine.Name,
        [WellKnownLabels.CreatedBy] = WellKnownLabels.CreatedByValue,
    };

    /// <summary>True when <paramref name="labels"/> mark an object LocalKube made for <paramref name="profile"/>.</summary>
    public static bool BelongsTo(IDictionary<string, string>? labels, string profile) =>
        labels is not null
        && labels.TryGetValue(WellKnownLabels.Profile, out var p) && p == profile
        && labels.TryGetValue(WellKnownLabels.CreatedBy, out var c) && c == WellKnownLabels.CreatedByValue;

    /// <summary>A list filter selecting the objects of <paramref name="profile"/>.</summary>
    public static IDictionary<string, IDictionary<string, bool>> ProfileFilter(string profile) =>
        new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool>
            {
                [$"{WellKnownLabels.Profile}={profile}"] = true,
                [$"{WellKnownLabels.CreatedBy}={WellKnownLabels.CreatedByValue}"] = true,
            },
        };

    /// <summary>A list filter selecting every object LocalKube made, of any profile.</summary>
    public static IDictionary<string, IDictionary<string, bool>> AnyProfileFilter() =>
        new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{WellKnownLabels.CreatedBy}={WellKnownLabels.CreatedByValue}"] = true },
        };

    /// <summary>The per-profile bridge network's name.</summary>
    public static string NetworkName(string profile) => $"localkube-{profile}";
}
