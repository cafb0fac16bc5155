using System.Diagnostics;
using System.Globalization;

namespace LocalKube.Storage.Bench;

/// <summary>Collects per-operation latencies and summarises them.</summary>
internal sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly object _gate = new();

    public void Add(long startTimestamp)
    {
        var ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        lock (_gate)
        {
            _ms.Add(ms);
        }
    }

    public void AddMs(double ms)
    {
        lock (_gate)
        {
            _ms.Add(ms);
        }
    }

    public int Count => _ms.Count;

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ms.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
        }
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture, $"p50 {Percentile(50):F2} ms, p99 {Percentile(99):F2} ms");
}
