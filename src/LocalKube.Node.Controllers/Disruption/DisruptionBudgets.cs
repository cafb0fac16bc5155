using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Disruption;

/// <summary>
/// The disruption controller's arithmetic (k/k <c>pkg/controller/disruption/disruption.go</c>, 1.32): expected
/// pods from the owning controllers' scales (or the pod count for an integer minAvailable), desired healthy from
/// minAvailable/maxUnavailable (percentages round up), healthy = Ready pods that are neither deleting nor evicted
/// less than 2 minutes ago.
/// </summary>
internal static class DisruptionBudgets
{
    /// <summary>How long an eviction recorded in <c>disruptedPods</c> is trusted to lead to a deletion.</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Computes the status of <paramref name="budget"/> over the pods it selects; <paramref name="scaleOf"/> gives the
    /// replica count of a pod's controller (null when it is not a known scalable controller).
    /// </summary>
    public static BudgetComputation Compute(V1PodDisruptionBudget budget, IReadOnlyList<V1Pod> pods, Func<V1Pod, V1OwnerReference, (string Uid, int Scale)?> scaleOf, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(scaleOf);
        var unmanaged = new List<string>();
        int expected;
        int desired;
        var spec = budget.Spec ?? new V1PodDisruptionBudgetSpec();
        try
        {
            if (spec.MaxUnavailable is { } maxUnavailable)
            {
                expected = ExpectedScale(pods, scaleOf, unmanaged);
                desired = Math.Max(0, expected - Scaled(maxUnavailable, expected));
            }
            else if (spec.MinAvailable is { } minAvailable && IsPercent(minAvailable))
            {
                expected = ExpectedScale(pods, scaleOf, unmanaged);
                desired = Scaled(minAvailable, expected);
            }
            else
            {
                desired = spec.MinAvailable is { } m ? Scaled(m, 0) : 0;
                expected = pods.Count;
            }
        }
        catch (InvalidOperationException e)
        {
            return new BudgetComputation(0, 0, 0, 0, [], null, unmanaged, e.Message);
        }

        var (disrupted, recheck) = Disrupted(budget, pods, now);
        var healthy = 0;
        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is null && !disrupted.ContainsKey(pod.Metadata.Name) && IsReady(pod))
            {
                healthy++;
            }
        }

        var allowed = expected <= 0 ? 0 : Math.Max(0, healthy - desired);
        return new BudgetComputation(healthy, desired, expected, allowed, disrupted, recheck, unmanaged);
    }

    /// <summary>Whether the stored status already equals <paramref name="computed"/> (no write needed).</summary>
    public static bool IsCurrent(V1PodDisruptionBudget budget, BudgetComputation computed)
    {
        var s = budget.Status;
        if (s is null || s.CurrentHealthy != computed.CurrentHealthy || s.DesiredHealthy != computed.DesiredHealthy
            || s.ExpectedPods != computed.ExpectedPods || s.DisruptionsAllowed != computed.DisruptionsAllowed
            || (s.ObservedGeneration ?? 0) != (budget.Metadata.Generation ?? 0))
        {
            return false;
        }

        var stored = s.DisruptedPods ?? new Dictionary<string, DateTime?>();
        if (stored.Count != computed.DisruptedPods.Count || stored.Any(kv => !computed.DisruptedPods.TryGetValue(kv.Key, out var t) || t != kv.Value))
        {
            return false;
        }

        var condition = s.Conditions?.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        var allowed = computed.DisruptionsAllowed > 0;
        return condition is not null && condition.Status == (allowed ? "True" : "False")
            && condition.Reason == (allowed ? "SufficientPods" : "InsufficientPods") && condition.ObservedGeneration == s.ObservedGeneration;
    }

    /// <summary>The status to write for <paramref name="computed"/>, keeping condition transition times.</summary>
    public static V1PodDisruptionBudgetStatus Status(V1PodDisruptionBudget budget, BudgetComputation computed, DateTime now)
    {
        var status = new V1PodDisruptionBudgetStatus
        {
            CurrentHealthy = computed.CurrentHealthy,
            DesiredHealthy = computed.DesiredHealthy,
            ExpectedPods = computed.ExpectedPods,
            DisruptionsAllowed = computed.DisruptionsAllowed,
            DisruptedPods = computed.DisruptedPods.Count == 0 ? null : computed.DisruptedPods,
            ObservedGeneration = budget.Metadata.Generation,
            Conditions = budget.Status?.Conditions?.Select(Copy).ToList() ?? [],
        };
        if (computed.Error is { } error)
        {
            SetCondition(status, "False", "SyncFailed", error, now);
        }
        else
        {
            var allowed = computed.DisruptionsAllowed > 0;
            SetCondition(status, allowed ? "True" : "False", allowed ? "SufficientPods" : "InsufficientPods", "", now);
        }

        return status;
    }

    /// <summary>Whether the pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static int ExpectedScale(IReadOnlyList<V1Pod> pods, Func<V1Pod, V1OwnerReference, (string Uid, int Scale)?> scaleOf, List<string> unmanaged)
    {
        var scales = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (owner is null)
            {
                unmanaged.Add(pod.Metadata.Name);
                continue;
            }

            if (scales.ContainsKey(owner.Uid))
            {
                continue;
            }

            var found = scaleOf(pod, owner) ?? throw new InvalidOperationException($"found no controllers for pod \"{pod.Metadata.Name}\"");
            scales[found.Uid] = found.Scale;
        }

        return scales.Values.Sum();
    }

    private static (Dictionary<string, DateTime?>, DateTime?) Disrupted(V1PodDisruptionBudget budget, IReadOnlyList<V1Pod> pods, DateTime now)
    {
        var result = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        DateTime? recheck = null;
        var recorded = budget.Status?.DisruptedPods;
        if (recorded is null)
        {
            return (result, null);
        }

        foreach (var pod in pods)
        {
            if (pod.Metadata.DeletionTimestamp is not null || !recorded.TryGetValue(pod.Metadata.Name, out var at) || at is null)
            {
                continue;
            }

            var expected = at.Value + DeletionTimeout;
            if (expected > now)
            {
                result[pod.Metadata.Name] = at;
                recheck = recheck is null || expected < recheck ? expected : recheck;
            }
        }

        return (result, recheck);
    }

    private static bool IsPercent(IntOrString value) => value.Value?.EndsWith('%') == true;

    // intstr.GetScaledValueFromIntOrPercent(value, total, roundUp: true)
    private static int Scaled(IntOrString value, int total)
    {
        var text = value.Value ?? "0";
        if (!IsPercent(value))
        {
            return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }

        var percent = int.Parse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return (int)Math.Ceiling(percent * (double)total / 100);
    }

    private static void SetCondition(V1PodDisruptionBudgetStatus status, string value, string reason, string message, DateTime now)
    {
        var existing = status.Conditions.FirstOrDefault(c => c.Type == "DisruptionAllowed");
        if (existing is null)
        {
            status.Conditions.Add(new V1Condition
            {
                Type = "DisruptionAllowed", Status = value, Reason = reason, Message = message, ObservedGeneration = status.ObservedGeneration, LastTransitionTime = now,
            });
            return;
        }

        if (existing.Status != value)
        {
            existing.Status = value;
            existing.LastTransitionTime = now;
        }

        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = status.ObservedGeneration;
    }

    private static V1Condition Copy(V1Condition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, ObservedGeneration = c.ObservedGeneration, LastTransitionTime = c.LastTransitionTime,
    };
}
