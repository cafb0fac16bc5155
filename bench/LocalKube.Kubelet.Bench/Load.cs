using System.Globalization;

namespace LocalKube.Kubelet.Bench;

/// <summary>The machine's load and nearest-rank percentiles, for the report lines.</summary>
internal static class Load
{
    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string Average() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Ms(double seconds) => (seconds * 1000).ToString("F0", CultureInfo.InvariantCulture) + " ms";
}
