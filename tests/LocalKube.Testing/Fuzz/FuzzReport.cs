using System.Collections.Concurrent;

namespace LocalKube.Testing.Fuzz;

/// <summary>What a fuzz target ran: the seeds, the number of cases and how many ended in each outcome.</summary>
public sealed class FuzzReport(string target)
{
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);

    public string Target { get; } = target;

    public List<string> Seeds { get; } = [];

    public List<FuzzFailure> Failures { get; } = [];

    public long Cases => _outcomes.Values.Sum();

    public IReadOnlyDictionary<string, long> Outcomes => _outcomes;

    public void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public override string ToString() =>
        $"fuzz {Target}: {Cases:N0} cases, seeds {string.Join(", ", Seeds)}; outcomes: "
        + string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} ×{o.Value:N0}"));
}
