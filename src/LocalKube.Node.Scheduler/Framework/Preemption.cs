namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// DefaultPreemption's evaluation (1.32): on each node whose rejection eviction could fix, remove every
/// lower-priority pod, check the pod fits, then give back as many victims as possible, most important first. The
/// outcome is either a plan (a node and its victims) or the <c>preemption: …</c> message that explains why not.
/// </summary>
public static class Preemption
{
    /// <summary>Upstream's per-node text when eviction cannot help.</summary>
    public const string NotHelpful = "Preemption is not helpful for scheduling";

    /// <summary>Upstream's per-node text when no lower-priority pod exists.</summary>
    public const string NoVictims = "No preemption victims found for incoming pod";

    /// <summary>The DisruptionTarget reason the scheduler sets on its victims.</summary>
    public const string DisruptionReason = "PreemptionByScheduler";

    /// <summary>
    /// Finds a preemption for <paramref name="pod"/>, or sets <paramref name="fit"/>'s PostFilter message when
    /// there is none.
    /// </summary>
    public static PreemptionPlan? Evaluate(SchedulingFramework framework, PodInfo pod, ClusterSnapshot snapshot, FitError fit)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(fit);
        if (NotEligible(pod, snapshot, fit) is { } reason)
        {
            fit.PostFilterMessage = "preemption: " + reason;
            return null;
        }

        var outcome = new FitError(snapshot.Nodes.Count);
        var candidates = new List<PreemptionPlan>();
        foreach (var node in snapshot.Nodes)
        {
            var status = fit.StatusOf(node.Name);
            if (status is null)
            {
                continue;
            }

            if (status.Code != StatusCode.Unschedulable)
            {
                outcome.NodeStatuses[node.Name] = PluginStatus.Unresolvable(NotHelpful);
                continue;
            }

            if (SelectVictims(framework, pod, snapshot, node, out var failure) is { } victims)
            {
                candidates.Add(new PreemptionPlan(node.Name, victims));
            }
            else
            {
                outcome.NodeStatuses[node.Name] = failure!;
            }
        }

        if (candidates.Count == 0)
        {
            fit.PostFilterMessage = "preemption: " + outcome.Message;
            return null;
        }

        // Fewest important victims first: the lowest highest-priority victim, then the fewest victims.
        return candidates
            .OrderBy(c => c.Victims.Count == 0 ? int.MinValue : c.Victims.Max(v => v.Priority))
            .ThenBy(c => c.Victims.Count)
            .First();
    }

    /// <summary>Whether <paramref name="pod"/> is a victim the scheduler is already evicting.</summary>
    public static bool IsTerminatingByPreemption(PodInfo pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Pod.Metadata?.DeletionTimestamp is not null
            && pod.Pod.Status?.Conditions?.Any(c => c.Type == "DisruptionTarget" && c.Reason == DisruptionReason) == true;
    }

    private static string? NotEligible(PodInfo pod, ClusterSnapshot snapshot, FitError fit)
    {
        if (pod.Pod.Spec?.PreemptionPolicy == "Never")
        {
            return "not eligible due to preemptionPolicy=Never.";
        }

        var nominated = pod.Pod.Status?.NominatedNodeName;
        if (string.IsNullOrEmpty(nominated) || fit.StatusOf(nominated)?.Code == StatusCode.UnschedulableAndUnresolvable)
        {
            return null;
        }

        var node = snapshot.Get(nominated);
        return node is not null && node.Pods.Any(p => p.Priority < pod.Priority && IsTerminatingByPreemption(p))
            ? "not eligible due to a terminating pod on the nominated node."
            : null;
    }

    private static List<PodInfo>? SelectVictims(SchedulingFramework framework, PodInfo pod, ClusterSnapshot snapshot, NodeInfo node, out PluginStatus? failure)
    {
        failure = null;
        var potential = node.Pods.Where(p => p.Priority < pod.Priority).ToList();
        if (potential.Count == 0)
        {
            failure = PluginStatus.Unresolvable(NoVictims);
            return null;
        }

        var trial = node.Clone();
        foreach (var victim in potential)
        {
            trial.RemovePod(victim.Key);
        }

        var what = snapshot.With(trial);
        if (framework.FilterOne(pod, what, trial) is { } status)
        {
            failure = status;
            return null;
        }

        // Reprieve the most important victims that can stay: higher priority, then the longer running.
        var victims = new List<PodInfo>();
        foreach (var candidate in potential.OrderByDescending(p => p.Priority).ThenBy(StartTime))
        {
            trial.AddPod(candidate);
            if (framework.FilterOne(pod, what, trial) is not null)
            {
                trial.RemovePod(candidate.Key);
                victims.Add(candidate);
            }
        }

        return victims;
    }

    private static DateTime StartTime(PodInfo pod) =>
        pod.Pod.Status?.StartTime ?? pod.Pod.Metadata?.CreationTimestamp ?? DateTime.MaxValue;
}
