using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>
/// Why a pod has no node. The scheduler's message ("0/1 nodes are available: 1 Insufficient cpu.") says which
/// filter failed; this adds the numbers and names behind it, node by node: how much CPU or memory is short, which
/// taint is not tolerated, which nodeSelector label no node has, which node is cordoned.
/// </summary>
internal static class SchedulingDiagnosis
{
    public static IEnumerable<Finding> Explain(PodFacts facts)
    {
        var pod = facts.Pod;
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        var failedEvent = facts.Events.Where(e => e.Reason == "FailedScheduling").OrderByDescending(EventTime).FirstOrDefault();
        var schedulerSays = scheduled?.Status == "False" && !string.IsNullOrEmpty(scheduled.Message) ? scheduled.Message : failedEvent?.Message;
        var reasons = NodeReasons(facts).ToList();

        if (schedulerSays is null && reasons.Count == 0)
        {
            yield return new Finding(
                "info", "WaitingForScheduler",
                "Waiting for the scheduler: no node has been chosen for this pod yet.",
                facts.Nodes.Count == 0 ? "The cluster has no nodes yet." : null,
                Since(pod.Metadata.CreationTimestamp, facts.Now) is { } age && age > TimeSpan.FromSeconds(30)
                    ? "The pod has waited " + Ages.Human(age) + ". If no scheduler runs in this cluster, nothing will place it: check 'localkube logs'."
                    : null);
            yield break;
        }

        var (cpu, memory) = Quantities.PodRequests(pod.Spec);
        var title = reasons.Count > 0 ? reasons[0].Title : "No node can run this pod.";
        var detail = string.Join("\n", new[] { schedulerSays is null ? null : "Scheduler: " + schedulerSays }
            .Concat(reasons.Skip(reasons.Count > 0 ? 1 : 0).Select(r => r.Title))
            .Append(cpu > 0 || memory > 0 ? $"The pod requests {Quantities.Cpu(cpu)} CPU and {Quantities.Memory(memory)} memory." : null)
            .Where(s => s is not null));
        yield return new Finding("error", reasons.Count > 0 ? reasons[0].Code : "Unschedulable", title, detail, reasons.FirstOrDefault().Hint);
    }

    private static IEnumerable<(string Code, string Title, string? Hint)> NodeReasons(PodFacts facts)
    {
        var pod = facts.Pod;
        var spec = pod.Spec;
        if (facts.Nodes.Count == 0)
        {
            yield break;
        }

        var (cpu, memory) = Quantities.PodRequests(spec);
        foreach (var node in facts.Nodes)
        {
            var name = node.Metadata.Name;
            if (node.Spec?.Unschedulable == true)
            {
                yield return ("NodeCordoned", $"Node {name} is cordoned (SchedulingDisabled).", $"Run 'kubectl uncordon {name}' to let pods onto it again.");
                continue;
            }

            var untolerated = (node.Spec?.Taints ?? [])
                .Where(t => t.Effect is "NoSchedule" or "NoExecute" && !Tolerations.Tolerates(spec?.Tolerations, t))
                .ToList();
            foreach (var taint in untolerated)
            {
                yield return ("UntoleratedTaint", $"Node {name} has the taint {Tolerations.Describe(taint)}, which the pod does not tolerate.",
                    $"Add a toleration for it to the pod, or remove the taint: kubectl taint nodes {name} {taint.Key}:{taint.Effect}-");
            }

            var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
            foreach (var (key, value) in spec?.NodeSelector ?? new Dictionary<string, string>())
            {
                if (!labels.TryGetValue(key, out var actual) || actual != value)
                {
                    yield return ("NodeSelectorMismatch", $"The pod's nodeSelector {key}={value} does not match node {name}" +
                        (actual is null ? $" (it has no {key} label)." : $" (it has {key}={actual})."),
                        $"Label the node (kubectl label nodes {name} {key}={value}) or change the pod's nodeSelector.");
                }
            }

            var used = facts.RequestedOnNode.TryGetValue(name, out var sum) ? sum : (0m, 0m);
            var allocatableCpu = Quantities.Allocatable(node, "cpu");
            var allocatableMemory = Quantities.Allocatable(node, "memory");
            var freeCpu = allocatableCpu - used.Item1;
            var freeMemory = allocatableMemory - used.Item2;
            if (cpu > 0 && allocatableCpu > 0 && cpu > freeCpu)
            {
                yield return ("InsufficientCPU",
                    $"Not enough CPU: the pod requests {Quantities.Cpu(cpu)} CPU, node {name} has {Quantities.Cpu(Math.Max(0, freeCpu))} free " +
                    $"({Quantities.Cpu(allocatableCpu)} allocatable, {Quantities.Cpu(used.Item1)} requested by other pods): short by {Quantities.Cpu(cpu - Math.Max(0, freeCpu))}.",
                    "Lower the pod's CPU request, delete or scale down other pods, or restart the cluster with more CPUs (localkube start --cpus).");
            }

            if (memory > 0 && allocatableMemory > 0 && memory > freeMemory)
            {
                yield return ("InsufficientMemory",
                    $"Not enough memory: the pod requests {Quantities.Memory(memory)}, node {name} has {Quantities.Memory(Math.Max(0, freeMemory))} free " +
                    $"({Quantities.Memory(allocatableMemory)} allocatable, {Quantities.Memory(used.Item2)} requested by other pods): short by {Quantities.Memory(memory - Math.Max(0, freeMemory))}.",
                    "Lower the pod's memory request, delete or scale down other pods, or restart the cluster with more memory (localkube start --memory).");
            }
        }
    }

    internal static DateTimeOffset EventTime(Corev1Event e) =>
        e.LastTimestamp ?? e.Series?.LastObservedTime ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTimeOffset.MinValue;

    private static TimeSpan? Since(DateTime? time, DateTimeOffset now) => now - Ages.Utc(time);
}
