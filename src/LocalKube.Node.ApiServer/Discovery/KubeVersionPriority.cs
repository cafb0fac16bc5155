using System.Text.RegularExpressions;

namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>
/// Orders API versions the Kubernetes way, most preferred first: GA (v2 before v1), then beta, then alpha (each by
/// major, then by the beta/alpha number, higher first), then anything else alphabetically.
/// </summary>
public sealed partial class KubeVersionPriority : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static KubeVersionPriority Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        var a = Rank(x ?? "");
        var b = Rank(y ?? "");
        if (a.Stage != b.Stage)
        {
            return a.Stage.CompareTo(b.Stage);
        }

        if (a.Stage == 3)
        {
            return string.CompareOrdinal(x, y);
        }

        return a.Major != b.Major ? b.Major.CompareTo(a.Major) : b.Minor.CompareTo(a.Minor);
    }

    private static (int Stage, int Major, int Minor) Rank(string version)
    {
        var m = Pattern().Match(version);
        if (!m.Success)
        {
            return (3, 0, 0);
        }

        var major = int.Parse(m.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture);
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture) : 0;
        var stage = m.Groups[2].Value switch { "" => 0, "beta" => 1, _ => 2 };
        return (stage, major, minor);
    }

    [GeneratedRegex("^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$")]
    private static partial Regex Pattern();
}
