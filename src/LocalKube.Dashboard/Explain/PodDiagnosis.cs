using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>
/// "Why isn't my pod running?": reads a pod's conditions, container states and events (plus the nodes, the objects
/// its spec refers to and a crashing container's last output) and says, in plain words, what stops it and what to
/// do. Pure: <see cref="Explainer"/> gathers the <see cref="PodFacts"/>.
/// </summary>
public static class PodDiagnosis
{
    public static Explanation Explain(PodFacts facts)
    {
        var pod = facts.Pod;
        var findings = new List<Finding>();
        var phase = pod.Status?.Phase ?? "Pending";

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            findings.Add(new Finding("info", "Terminating", "The pod is being deleted (Terminating).",
                Ages.Utc(pod.Metadata.DeletionTimestamp) is { } at ? $"Deletion was requested {Ages.Human(facts.Now - at)} ago; grace period {pod.Metadata.DeletionGracePeriodSeconds ?? 30} s." : null,
                "A pod stuck here longer than its grace period usually has a finalizer, or a node that no longer reports."));
        }

        if (phase == "Failed")
        {
            findings.Add(new Finding("error", pod.Status?.Reason ?? "Failed",
                pod.Status?.Reason == "Evicted" ? "The pod was evicted from its node." : "The pod failed: all its containers have stopped and it will not restart.",
                pod.Status?.Message));
        }

        var nodeName = pod.Spec?.NodeName;
        if (string.IsNullOrEmpty(nodeName))
        {
            if (phase is not ("Failed" or "Succeeded"))
            {
                findings.AddRange(SchedulingDiagnosis.Explain(facts));
            }
        }
        else if (phase is not ("Failed" or "Succeeded"))
        {
            var node = facts.Nodes.FirstOrDefault(n => n.Metadata.Name == nodeName);
            var nodeReady = node?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (facts.Nodes.Count > 0 && node is null)
            {
                findings.Add(new Finding("error", "NodeMissing", $"The pod is assigned to node {nodeName}, which does not exist.", null,
                    "Delete the pod so its controller creates a new one."));
            }
            else if (node is not null && nodeReady?.Status != "True")
            {
                findings.Add(new Finding("error", "NodeNotReady",
                    $"Node {nodeName} is not ready, so its kubelet does not start or report this pod.",
                    nodeReady is null ? "The node has not reported a Ready condition yet." : ContainerDiagnosis.Join($"Ready={nodeReady.Status}: {nodeReady.Reason}", nodeReady.Message),
                    "Check the node with 'localkube status' and 'localkube logs'."));
            }
        }

        var specs = (pod.Spec?.Containers ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var initSpecs = (pod.Spec?.InitContainers ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var status in pod.Status?.InitContainerStatuses ?? [])
        {
            findings.AddRange(ContainerDiagnosis.Explain(facts, status, initSpecs.GetValueOrDefault(status.Name), init: true));
        }

        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            findings.AddRange(ContainerDiagnosis.Explain(facts, status, specs.GetValueOrDefault(status.Name), init: false));
        }

        if (!string.IsNullOrEmpty(nodeName) && phase == "Pending" && (pod.Status?.ContainerStatuses ?? []).Count == 0 && findings.All(f => f.Severity != "error"))
        {
            findings.Add(new Finding("info", "WaitingForKubelet", $"Scheduled to node {nodeName}; waiting for its kubelet to start the containers.", null,
                Ages.Utc(pod.Metadata.CreationTimestamp) is { } created && facts.Now - created > TimeSpan.FromMinutes(1)
                    ? "No container status after a minute: check that the node's kubelet runs ('localkube logs')."
                    : null));
        }

        foreach (var missing in facts.Missing)
        {
            findings.Add(MissingFinding(pod, missing));
        }

        foreach (var claim in facts.Claims.Where(c => c.Status?.Phase is "Pending" or "Lost"))
        {
            findings.Add(ClaimFinding(claim, facts));
        }

        if (phase == "Running")
        {
            findings.AddRange(ReadinessDiagnosis.Explain(facts));
        }

        findings.AddRange(OtherWarnings(facts, findings));

        var ordered = findings.OrderBy(f => f.Severity switch { "error" => 0, "warning" => 1, _ => 2 }).ToList();
        var ready = pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
        var problems = ordered.Any(f => f.Severity is "error" or "warning");
        var healthy = !problems && (phase == "Succeeded" || (phase == "Running" && ready));
        var headline = healthy
            ? phase == "Succeeded" ? "Completed: every container exited successfully." : "Running and ready."
            : ordered.FirstOrDefault()?.Title ?? (phase == "Running" ? "Running, but not ready." : $"The pod is {phase}.");
        return new Explanation(healthy, headline, ordered);
    }

    private static Finding MissingFinding(V1Pod pod, MissingReference missing)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var command = missing.Kind switch
        {
            "ConfigMap" => $"kubectl create configmap {missing.Name} -n {ns} --from-literal={missing.Key ?? "key"}=value",
            "Secret" => $"kubectl create secret generic {missing.Name} -n {ns} --from-literal={missing.Key ?? "key"}=value",
            _ => null,
        };
        var title = missing.Key is null
            ? $"{missing.Kind} \"{missing.Name}\" does not exist in namespace {ns} (needed by {missing.UsedBy})."
            : $"{missing.Kind} \"{missing.Name}\" has no key \"{missing.Key}\" (needed by {missing.UsedBy}).";
        return new Finding("error", "Missing" + missing.Kind, title, null,
            missing.Kind == "PersistentVolumeClaim" ? "Create the claim, or fix the volume's claimName." : "Create it (or add the key); the kubelet retries by itself.",
            null, command);
    }

    private static Finding ClaimFinding(V1PersistentVolumeClaim claim, PodFacts facts)
    {
        var name = claim.Metadata.Name;
        var events = facts.Events.Where(e => e.InvolvedObject?.Kind == "PersistentVolumeClaim" && e.InvolvedObject.Name == name)
            .OrderByDescending(SchedulingDiagnosis.EventTime).Select(e => e.Message).FirstOrDefault();
        var storageClass = claim.Spec?.StorageClassName;
        var title = claim.Status?.Phase == "Lost"
            ? $"PersistentVolumeClaim \"{name}\" lost its volume."
            : storageClass is null
                ? $"PersistentVolumeClaim \"{name}\" is Pending: it names no StorageClass, and none is bound."
                : $"PersistentVolumeClaim \"{name}\" is Pending: no volume of StorageClass \"{storageClass}\" has been provisioned or bound.";
        return new Finding("error", "ClaimPending", title, events,
            storageClass is null ? "Mark a StorageClass as default (storageclass.kubernetes.io/is-default-class=true) or set storageClassName." : $"Check that StorageClass {storageClass} exists: kubectl get storageclass");
    }

    /// <summary>Warning events not already explained (FailedMount, sandbox errors, back-off…), newest first, each reason once.</summary>
    private static IEnumerable<Finding> OtherWarnings(PodFacts facts, List<Finding> found)
    {
        var explained = new HashSet<string>(["FailedScheduling", "Failed", "BackOff", "Unhealthy", "ErrImageNeverPull", "InspectFailed"], StringComparer.Ordinal);
        if (found.Count(f => f.Severity == "error") > 0)
        {
            explained.Add("FailedMount");
        }

        return facts.Events
            .Where(e => e.Type == "Warning" && e.Reason is not null && !explained.Contains(e.Reason) && (e.InvolvedObject?.Kind ?? "Pod") == "Pod")
            .OrderByDescending(SchedulingDiagnosis.EventTime)
            .DistinctBy(e => e.Reason)
            .Take(3)
            .Select(e => new Finding("warning", e.Reason!, $"Event {e.Reason}" + (e.Count > 1 ? $" (×{e.Count})" : "") + ": " + FirstLine(e.Message), e.Message));
    }

    private static string FirstLine(string? text) => text is null ? "" : text.Split('\n')[0];
}
