using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LocalKube.ApiServer.Bench;

/// <summary>
/// OpenAPI serving: the first <c>/openapi/v3</c> request (which builds every document), then the apps/v1 document by
/// its hashed URL, as kubectl asks for it, 200 times (bounded; target ≤ 20 ms after the first request).
/// </summary>
internal static class OpenApiBench
{
    public static async Task<List<(string Measure, string Value)>> RunAsync(HttpClient http)
    {
        var results = new List<(string, string)>();
        var t = Stopwatch.GetTimestamp();
        var index = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi/v3", UriKind.Relative)))!;
        results.Add(("First /openapi/v3 request (builds every document)", $"{Stopwatch.GetElapsedTime(t).TotalMilliseconds:F0} ms"));
        var url = (string)index["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!;

        t = Stopwatch.GetTimestamp();
        var first = await http.GetByteArrayAsync(new Uri(url, UriKind.Relative));
        results.Add(($"First apps/v1 document request ({first.Length / 1024} KiB)", $"{Stopwatch.GetElapsedTime(t).TotalMilliseconds:F1} ms"));

        var latencies = new List<double>();
        var budget = Stopwatch.StartNew();
        for (var i = 0; i < 200 && budget.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            t = Stopwatch.GetTimestamp();
            var body = await http.GetByteArrayAsync(new Uri(url, UriKind.Relative));
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (body.Length != first.Length)
            {
                throw new InvalidOperationException("the apps/v1 document changed between requests");
            }
        }

        latencies.Sort();
        double P(double p) => latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        results.Add(($"apps/v1 document after the first request ({latencies.Count} requests, body read)", $"p50 {P(0.5):F2} ms, p99 {P(0.99):F2} ms, max {latencies[^1]:F2} ms"));
        return results;
    }
}
