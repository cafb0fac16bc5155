using System.Globalization;

namespace LocalKube.ApiServer.Bench;

/// <summary>Which statistic a target bounds.</summary>
internal enum Bound
{
    None,
    Median,
    P99,
}

/// <summary>One printed line per measure: measure, median, p99, target, met/missed.</summary>
internal sealed class Summary
{
    private readonly List<string> _lines = [];

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }

    /// <summary>Adds a measure; <paramref name="limit"/> applies to the statistic <paramref name="bound"/> names.</summary>
    public void Add(string measure, IReadOnlyCollection<double> samples, string unit, Bound bound, double limit, string? note = null)
    {
        var median = Percentile(samples, 0.5);
        var p99 = Percentile(samples, 0.99);
        var (target, verdict) = bound switch
        {
            Bound.Median => ($"median ≤ {limit.ToString(CultureInfo.InvariantCulture)} {unit}", median <= limit ? "met" : "missed"),
            Bound.P99 => ($"p99 ≤ {limit.ToString(CultureInfo.InvariantCulture)} {unit}", p99 <= limit ? "met" : "missed"),
            _ => ("—", "—"),
        };
        if (samples.Count == 0)
        {
            verdict = "missed (no samples)";
        }

        if (note is not null)
        {
            verdict += $" ({note})";
        }

        var line = $"| {measure} ({samples.Count} samples) | {Format(median, unit)} | {Format(p99, unit)} | {target} | {verdict} |";
        _lines.Add(line);
        Console.WriteLine("RESULT " + line);
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| Measure | Median | p99 | Target | Verdict |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var line in _lines)
        {
            Console.WriteLine(line);
        }
    }

    private static string Format(double value, string unit) =>
        double.IsNaN(value) ? "—" : $"{value.ToString(value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture)} {unit}";
}
