namespace LocalKube.Dashboard.Watch;

/// <summary>What the dashboard knows about the API server right now.</summary>
/// <param name="Reachable">The API server answered at all.</param>
/// <param name="Ready"><c>/readyz</c> passed.</param>
/// <param name="Checks">The individual readiness checks from <c>/readyz?verbose</c>.</param>
/// <param name="Message">Why it is unreachable or not ready.</param>
/// <param name="Since">When this state began.</param>
public sealed record HealthSnapshot(bool Reachable, bool Ready, IReadOnlyList<HealthCheck> Checks, string? Message, DateTimeOffset Since)
{
    public static HealthSnapshot Unknown { get; } = new(true, true, [], null, DateTimeOffset.UnixEpoch);

    public bool SameStateAs(HealthSnapshot other) =>
        Reachable == other.Reachable && Ready == other.Ready && Message == other.Message && Checks.SequenceEqual(other.Checks);

    /// <summary>Parses a <c>/readyz?verbose</c> body.</summary>
    public static IReadOnlyList<HealthCheck> ParseVerbose(string body)
    {
        var checks = new List<HealthCheck>();
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length < 4 || line[0] != '[' || line[2] != ']' || (line[1] != '+' && line[1] != '-'))
            {
                continue;
            }

            var rest = line[3..];
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? rest : rest[..space];
            var detail = space < 0 ? null : rest[(space + 1)..].Trim();
            checks.Add(new HealthCheck(name, line[1] == '+', detail is "ok" ? null : detail));
        }

        return checks;
    }
}
