using k8s.Models;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>The conditions the kubelet owns (<c>k8s: pkg/kubelet/status/generate.go</c>), with upstream's reasons and messages.</summary>
public static class PodConditionGenerator
{
    /// <summary>PodReadyToStartContainers: True while the newest sandbox is ready with networking.</summary>
    public static V1PodCondition ReadyToStartContainers(bool sandboxReady) =>
        new() { Type = PodConditionTypes.PodReadyToStartContainers, Status = sandboxReady ? "True" : "False" };

    /// <summary>Initialized.</summary>
    public static V1PodCondition Initialized(V1PodSpec spec, IReadOnlyList<V1ContainerStatus> statuses, string phase)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unknown = new List<string>();
        var incomplete = new List<string>();
        foreach (var container in spec.InitContainers ?? [])
        {
            var status = statuses.FirstOrDefault(s => s.Name == container.Name);
            if (status is null)
            {
                unknown.Add(container.Name);
                continue;
            }

            if (PodSpecFacts.IsSidecar(container) ? status.Started != true : !status.Ready)
            {
                incomplete.Add(container.Name);
            }
        }

        if (phase == "Succeeded" && unknown.Count == 0)
        {
            return new V1PodCondition { Type = PodConditionTypes.Initialized, Status = "True", Reason = PodConditionTypes.PodCompleted };
        }

        // A regular container that ran means initialization happened (sidecars restarting do not undo it).
        if (PodSpecFacts.AnyRegularContainerStarted(spec, statuses))
        {
            return new V1PodCondition { Type = PodConditionTypes.Initialized, Status = "True" };
        }

        var message = Messages(unknown, incomplete, "incomplete");
        return message.Length > 0
            ? new V1PodCondition { Type = PodConditionTypes.Initialized, Status = "False", Reason = PodConditionTypes.ContainersNotInitialized, Message = message }
            : new V1PodCondition { Type = PodConditionTypes.Initialized, Status = "True" };
    }

    /// <summary>ContainersReady: every app container and sidecar ready.</summary>
    public static V1PodCondition ContainersReady(V1PodSpec spec, IReadOnlyList<V1ContainerStatus> statuses, string phase)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unknown = new List<string>();
        var unready = new List<string>();
        foreach (var container in (spec.InitContainers ?? []).Where(PodSpecFacts.IsSidecar).Concat(spec.Containers ?? []))
        {
            var status = statuses.FirstOrDefault(s => s.Name == container.Name);
            if (status is null)
            {
                unknown.Add(container.Name);
            }
            else if (!status.Ready)
            {
                unready.Add(container.Name);
            }
        }

        if ((phase == "Succeeded" && unknown.Count == 0) || phase == "Failed")
        {
            return new V1PodCondition
            {
                Type = PodConditionTypes.ContainersReady,
                Status = "False",
                Reason = phase == "Failed" ? PodConditionTypes.PodFailed : PodConditionTypes.PodCompleted,
            };
        }

        var message = Messages(unknown, unready, "unready");
        return message.Length > 0
            ? new V1PodCondition { Type = PodConditionTypes.ContainersReady, Status = "False", Reason = PodConditionTypes.ContainersNotReady, Message = message }
            : new V1PodCondition { Type = PodConditionTypes.ContainersReady, Status = "True" };
    }

    /// <summary>Ready: ContainersReady and every readiness gate.</summary>
    public static V1PodCondition Ready(V1PodSpec spec, IReadOnlyList<V1PodCondition> conditions, IReadOnlyList<V1ContainerStatus> statuses, string phase)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(conditions);
        var containersReady = ContainersReady(spec, statuses, phase);
        if (containersReady.Status != "True")
        {
            return new V1PodCondition
            {
                Type = PodConditionTypes.Ready,
                Status = containersReady.Status,
                Reason = containersReady.Reason,
                Message = containersReady.Message,
            };
        }

        var unready = new List<string>();
        foreach (var gate in spec.ReadinessGates ?? [])
        {
            var condition = conditions.FirstOrDefault(c => c.Type == gate.ConditionType);
            if (condition is null)
            {
                unready.Add($"corresponding condition of pod readiness gate \"{gate.ConditionType}\" does not exist.");
            }
            else if (condition.Status != "True")
            {
                unready.Add($"the status of pod readiness gate \"{gate.ConditionType}\" is not \"True\", but {condition.Status}");
            }
        }

        return unready.Count > 0
            ? new V1PodCondition { Type = PodConditionTypes.Ready, Status = "False", Reason = PodConditionTypes.ReadinessGatesNotReady, Message = string.Join(", ", unready) }
            : new V1PodCondition { Type = PodConditionTypes.Ready, Status = "True" };
    }

    // Go prints a []string as [a b].
    private static string Messages(List<string> unknown, List<string> other, string adjective)
    {
        var parts = new List<string>();
        if (unknown.Count > 0)
        {
            parts.Add($"containers with unknown status: [{string.Join(' ', unknown)}]");
        }

        if (other.Count > 0)
        {
            parts.Add($"containers with {adjective} status: [{string.Join(' ', other)}]");
        }

        return string.Join(", ", parts);
    }
}
