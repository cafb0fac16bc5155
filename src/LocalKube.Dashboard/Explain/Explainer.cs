using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Dashboard.Upstream;

namespace LocalKube.Dashboard.Explain;

/// <summary>Gathers the facts for <see cref="PodDiagnosis"/> and <see cref="WorkloadDiagnosis"/> from the API server.</summary>
public sealed class Explainer(KubeApi api, TimeProvider time)
{
    private const int LogLines = 20;
    private const int MaxPods = 50;

    public static readonly IReadOnlyDictionary<string, (string Group, string Kind)> Workloads = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["deployments"] = ("apps", "Deployment"),
        ["replicasets"] = ("apps", "ReplicaSet"),
        ["statefulsets"] = ("apps", "StatefulSet"),
        ["daemonsets"] = ("apps", "DaemonSet"),
        ["jobs"] = ("batch", "Job"),
    };

    public async Task<Explanation> ExplainPodAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var pod = await GetAsync<V1Pod>($"/api/v1/namespaces/{E(ns)}/pods/{E(name)}", cancellationToken);
        var eventsTask = EventsAsync(ns, $"involvedObject.name={name},involvedObject.namespace={ns}", cancellationToken);
        var nodesTask = GetAsync<V1NodeList>("/api/v1/nodes", cancellationToken);
        var (missing, claims) = await ReferencesAsync(pod, cancellationToken);
        var unscheduled = string.IsNullOrEmpty(pod.Spec?.NodeName);
        var requested = unscheduled ? await RequestedByNodeAsync(cancellationToken) : new Dictionary<string, (decimal, decimal)>();
        var (logs, logErrors) = await PreviousLogsAsync(pod, cancellationToken);
        var events = (await eventsTask).Where(e => e.InvolvedObject?.Uid is null || e.InvolvedObject.Uid == pod.Metadata.Uid).ToList();
        foreach (var claim in claims)
        {
            events.AddRange(await EventsAsync(ns, $"involvedObject.name={claim.Metadata.Name},involvedObject.kind=PersistentVolumeClaim", cancellationToken));
        }

        return PodDiagnosis.Explain(new PodFacts(pod)
        {
            Events = events,
            Nodes = (await nodesTask).Items.ToList(),
            RequestedOnNode = requested,
            Missing = missing,
            Claims = claims,
            PreviousLogs = logs,
            LogErrors = logErrors,
            Now = time.GetUtcNow(),
        });
    }

    public async Task<Explanation> ExplainWorkloadAsync(string ns, string resource, string name, CancellationToken cancellationToken)
    {
        if (!Workloads.TryGetValue(resource, out var type))
        {
            throw new ApiStatusException(404, "NotFound", $"no explanation for {resource}");
        }

        var body = await GetStringAsync($"/apis/{type.Group}/v1/namespaces/{E(ns)}/{resource}/{E(name)}", cancellationToken);
        using var document = JsonDocument.Parse(body);
        var workload = document.RootElement;
        var selector = LabelSelector(workload);
        var explained = new List<(string, Explanation)>();
        if (selector is not null)
        {
            var pods = await GetAsync<V1PodList>($"/api/v1/namespaces/{E(ns)}/pods?labelSelector={E(selector)}", cancellationToken);
            var owned = pods.Items.Where(p => OwnedBy(p, workload, resource)).Take(MaxPods).ToList();
            if (owned.Count > 0)
            {
                var events = await EventsAsync(ns, null, cancellationToken);
                var nodes = (await GetAsync<V1NodeList>("/api/v1/nodes", cancellationToken)).Items.ToList();
                var requested = owned.Any(p => string.IsNullOrEmpty(p.Spec?.NodeName)) ? await RequestedByNodeAsync(cancellationToken) : new Dictionary<string, (decimal, decimal)>();
                foreach (var pod in owned)
                {
                    var (missing, claims) = await ReferencesAsync(pod, cancellationToken);
                    explained.Add((pod.Metadata.Name, PodDiagnosis.Explain(new PodFacts(pod)
                    {
                        Events = events.Where(e => e.InvolvedObject?.Uid == pod.Metadata.Uid).ToList(),
                        Nodes = nodes,
                        RequestedOnNode = requested,
                        Missing = missing,
                        Claims = claims,
                        Now = time.GetUtcNow(),
                    })));
                }
            }
        }

        return WorkloadDiagnosis.Explain(type.Kind, workload, explained, time.GetUtcNow());
    }

    /// <summary>matchLabels and matchExpressions as a label selector string.</summary>
    internal static string? LabelSelector(JsonElement workload)
    {
        if (!workload.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("selector", out var selector) || selector.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var terms = new List<string>();
        if (selector.TryGetProperty("matchLabels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            terms.AddRange(labels.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"));
        }

        if (selector.TryGetProperty("matchExpressions", out var expressions) && expressions.ValueKind == JsonValueKind.Array)
        {
            foreach (var expression in expressions.EnumerateArray())
            {
                var key = expression.GetProperty("key").GetString();
                var values = expression.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array ? string.Join(',', v.EnumerateArray().Select(x => x.GetString())) : "";
                terms.Add(expression.GetProperty("operator").GetString() switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key!,
                    "DoesNotExist" => "!" + key,
                    _ => key!,
                });
            }
        }

        return terms.Count == 0 ? null : string.Join(',', terms);
    }

    private static bool OwnedBy(V1Pod pod, JsonElement workload, string resource)
    {
        var uid = workload.GetProperty("metadata").TryGetProperty("uid", out var u) ? u.GetString() : null;
        var owners = pod.Metadata.OwnerReferences ?? [];
        // A Deployment owns its pods through ReplicaSets: the selector (which it keeps unique) is the link.
        return resource == "deployments" || uid is null || owners.Count == 0 || owners.Any(o => o.Uid == uid);
    }

    private async Task<(List<MissingReference> Missing, List<V1PersistentVolumeClaim> Claims)> ReferencesAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var wanted = PodReferences.Collect(pod);
        var missing = new List<MissingReference>();
        var claims = new List<V1PersistentVolumeClaim>();
        var cache = new Dictionary<(string, string), JsonElement?>();
        foreach (var reference in wanted)
        {
            var key = (reference.Kind, reference.Name);
            if (!cache.TryGetValue(key, out var found))
            {
                var path = reference.Kind switch
                {
                    "ConfigMap" => $"/api/v1/namespaces/{E(ns)}/configmaps/{E(reference.Name)}",
                    "Secret" => $"/api/v1/namespaces/{E(ns)}/secrets/{E(reference.Name)}",
                    _ => $"/api/v1/namespaces/{E(ns)}/persistentvolumeclaims/{E(reference.Name)}",
                };
                found = await TryGetJsonAsync(path, cancellationToken);
                cache[key] = found;
                if (found is { } claimJson && reference.Kind == "PersistentVolumeClaim")
                {
                    claims.Add(KubernetesJson.Deserialize<V1PersistentVolumeClaim>(claimJson.GetRawText()));
                }
            }

            if (found is null)
            {
                if (!missing.Any(m => m.Kind == reference.Kind && m.Name == reference.Name && m.Key is null))
                {
                    missing.Add(reference with { Key = null });
                }
            }
            else if (reference.Key is not null && !HasKey(found.Value, reference.Key))
            {
                missing.Add(reference);
            }
        }

        return (missing, claims);
    }

    private static bool HasKey(JsonElement obj, string key) =>
        obj.TryGetProperty("unknowable", out _) || new[] { "data", "binaryData", "stringData" }.Any(section => obj.TryGetProperty(section, out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty(key, out _));

    private async Task<Dictionary<string, (decimal, decimal)>> RequestedByNodeAsync(CancellationToken cancellationToken)
    {
        var pods = await GetAsync<V1PodList>("/api/v1/pods?fieldSelector=" + E("status.phase!=Succeeded,status.phase!=Failed"), cancellationToken);
        return pods.Items
            .Where(p => !string.IsNullOrEmpty(p.Spec?.NodeName))
            .GroupBy(p => p.Spec.NodeName)
            .ToDictionary(g => g.Key, g => g.Select(p => Quantities.PodRequests(p.Spec)).Aggregate((0m, 0m), (a, b) => (a.Item1 + b.Cpu, a.Item2 + b.Memory)));
    }

    private async Task<(Dictionary<string, IReadOnlyList<string>>, Dictionary<string, string>)> PreviousLogsAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var logs = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var crashing = (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
            .Where(s => s.State?.Waiting?.Reason == "CrashLoopBackOff" || (s.State?.Terminated?.ExitCode is { } code && code != 0) || (s.RestartCount >= 3 && s.LastState?.Terminated is not null));
        foreach (var status in crashing)
        {
            var previous = status.State?.Terminated is null;
            var path = $"/api/v1/namespaces/{E(pod.Metadata.NamespaceProperty)}/pods/{E(pod.Metadata.Name)}/log?container={E(status.Name)}&tailLines={LogLines}" + (previous ? "&previous=true" : "");
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                using var response = await api.Http.GetAsync(new Uri(path, UriKind.Relative), timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    logs[status.Name] = text.TrimEnd('\n').Split('\n').TakeLast(LogLines).ToList();
                }
                else
                {
                    errors[status.Name] = ApiStatusException.From((int)response.StatusCode, text).Message;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                errors[status.Name] = "the log did not arrive in time";
            }
        }

        return (logs, errors);
    }

    private async Task<List<Corev1Event>> EventsAsync(string ns, string? fieldSelector, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/namespaces/{E(ns)}/events" + (fieldSelector is null ? "" : "?fieldSelector=" + E(fieldSelector));
        try
        {
            return (await GetAsync<Corev1EventList>(path, cancellationToken)).Items.ToList();
        }
        catch (ApiStatusException)
        {
            // Events are evidence, not a requirement (the user may not be allowed to list them).
            return [];
        }
    }

    private async Task<JsonElement?> TryGetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await api.Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // We may not read it, so we cannot tell: never claim it is missing.
            return Unknowable;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ApiStatusException.From((int)response.StatusCode, body);
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static readonly JsonElement Unknowable = JsonDocument.Parse("{\"data\":{},\"unknowable\":true}").RootElement.Clone();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        KubernetesJson.Deserialize<T>(await GetStringAsync(path, cancellationToken));

    private async Task<string> GetStringAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await api.Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw ApiStatusException.From((int)response.StatusCode, body);
    }

    private static string E(string value) => Uri.EscapeDataString(value);
}
