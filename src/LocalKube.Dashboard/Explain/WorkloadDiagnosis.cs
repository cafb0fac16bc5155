using System.Text.Json;

namespace LocalKube.Dashboard.Explain;

/// <summary>
/// Why a Deployment, ReplicaSet, StatefulSet, DaemonSet or Job is not (fully) running: its controller's conditions
/// and counts, and its pods' own explanations rolled up ("2 of 3 pods: Cannot pull image …").
/// </summary>
public static class WorkloadDiagnosis
{
    public static Explanation Explain(string kind, JsonElement workload, IReadOnlyList<(string Pod, Explanation Why)> pods, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        var spec = Prop(workload, "spec");
        var status = Prop(workload, "status");
        var metadata = Prop(workload, "metadata");
        var generation = Long(metadata, "generation");
        var observed = Long(status, "observedGeneration");
        var created = Str(metadata, "creationTimestamp") is { } c && DateTimeOffset.TryParse(c, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : now;

        var (desired, ready, unit) = Counts(kind, spec, status, pods.Count);
        if (status.ValueKind != JsonValueKind.Object || (observed is null && kind != "Job"))
        {
            var waited = now - created;
            findings.Add(new Finding(waited > TimeSpan.FromSeconds(20) ? "warning" : "info", "NotObserved",
                $"No controller has acted on this {kind} yet (it has no status).",
                $"Created {Ages.Human(waited)} ago.",
                waited > TimeSpan.FromSeconds(20) ? $"The {kind} controller does not seem to run in this cluster: check 'localkube logs'." : null));
        }
        else if (generation is not null && observed is not null && observed < generation)
        {
            findings.Add(new Finding("info", "NotObserved", $"The {kind} controller has not processed the latest change yet (generation {generation}, observed {observed})."));
        }

        foreach (var condition in Conditions(status))
        {
            var (type, value, reason, message) = condition;
            var finding = (kind, type, value, reason) switch
            {
                (_, "Progressing", "False", "ProgressDeadlineExceeded") => new Finding("error", "ProgressDeadlineExceeded",
                    "The rollout is stuck: it made no progress within its deadline (ProgressDeadlineExceeded).", message,
                    "See the pods' problems below; fix the template, or roll back (History → Undo)."),
                (_, "ReplicaFailure", "True", _) => new Finding("error", reason ?? "ReplicaFailure", $"The controller cannot create pods: {reason}.", message),
                ("Job", "Failed", "True", _) => new Finding("error", reason ?? "JobFailed", $"The Job failed: {reason}.", message),
                ("Job", "Suspended", "True", _) => new Finding("info", "Suspended", "The Job is suspended.", message),
                ("Job", "Complete", "True", _) => null,
                (_, "Available", "False", _) when desired > 0 => new Finding("warning", "Unavailable", $"Fewer pods are available than the {kind} needs ({reason}).", message),
                _ => null,
            };
            if (finding is not null)
            {
                findings.Add(finding);
            }
        }

        if (desired == 0 && kind is "Deployment" or "ReplicaSet" or "StatefulSet")
        {
            findings.Add(new Finding("info", "ScaledToZero", $"The {kind} is scaled to 0 replicas."));
        }

        // Pods that are not fine, grouped by their main cause.
        var groups = pods
            .Where(p => !p.Why.Healthy && p.Why.Findings.Count > 0)
            .GroupBy(p => (p.Why.Findings[0].Code, p.Why.Findings[0].Title.Replace(p.Pod, "<pod>", StringComparison.Ordinal)))
            .OrderBy(g => Rank(g.First().Why.Findings[0].Severity))
            .ThenByDescending(g => g.Count());
        foreach (var group in groups)
        {
            var first = group.First().Why.Findings[0];
            var names = string.Join(", ", group.Select(p => p.Pod).Take(5)) + (group.Count() > 5 ? ", …" : "");
            findings.Add(first with
            {
                Title = $"{group.Count()} of {pods.Count} pods: {first.Title}",
                Detail = ContainerDiagnosis.Join("Pods: " + names, first.Detail),
            });
        }

        var ordered = findings.OrderBy(f => Rank(f.Severity)).ToList();
        var problems = ordered.Any(f => f.Severity is "error" or "warning");
        var complete = kind == "Job" && Conditions(status).Any(c => c.Type == "Complete" && c.Status == "True");
        var healthy = !problems && (complete || (desired is not null && ready >= desired));
        var headline = healthy
            ? complete ? "Completed." : $"All {desired} {unit} ready."
            : ordered.FirstOrDefault(f => f.Severity != "info")?.Title
              ?? (desired is not null ? $"{ready} of {desired} {unit} ready." : ordered.FirstOrDefault()?.Title ?? "Not ready.");
        return new Explanation(healthy, headline, ordered);
    }

    private static (long? Desired, long Ready, string Unit) Counts(string kind, JsonElement spec, JsonElement status, int pods) => kind switch
    {
        "DaemonSet" => (Long(status, "desiredNumberScheduled"), Long(status, "numberReady") ?? 0, "pods"),
        "Job" => (Long(spec, "completions") ?? 1, Long(status, "succeeded") ?? 0, "completions"),
        _ => (Long(spec, "replicas") ?? 1, Long(status, "readyReplicas") ?? 0, "replicas"),
    };

    private static IEnumerable<(string Type, string Status, string? Reason, string? Message)> Conditions(JsonElement status) =>
        Prop(status, "conditions") is { ValueKind: JsonValueKind.Array } conditions
            ? conditions.EnumerateArray().Select(c => (Str(c, "type") ?? "", Str(c, "status") ?? "", Str(c, "reason"), Str(c, "message")))
            : [];

    private static int Rank(string severity) => severity switch { "error" => 0, "warning" => 1, _ => 2 };

    private static JsonElement Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    private static string? Str(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) => Prop(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;
}
