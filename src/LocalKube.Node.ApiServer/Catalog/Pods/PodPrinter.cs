using System.Globalization;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;

namespace LocalKube.Node.ApiServer.Catalog.Pods;

/// <summary>
/// The pod row as kubectl shows it: READY counts (restartable init containers included), STATUS from the
/// pod reason, init and container states, RESTARTS with the age of the last restart, and the wide cells.
/// </summary>
public static class PodPrinter
{
    /// <summary>NAME, READY, STATUS, RESTARTS, AGE, IP, NODE, NOMINATED NODE, READINESS GATES.</summary>
    public static IReadOnlyList<object?> Cells(V1Pod pod, DateTimeOffset now)
    {
        var spec = pod.Spec ?? new V1PodSpec();
        var status = pod.Status ?? new V1PodStatus();
        var total = spec.Containers?.Count ?? 0;
        var ready = 0;
        var restarts = 0;
        var sidecarRestarts = 0;
        DateTime? lastRestart = null;
        DateTime? lastSidecarRestart = null;
        var reason = !string.IsNullOrEmpty(status.Reason) ? status.Reason : status.Phase ?? "";
        if (status.Conditions?.Any(c => c.Type == "PodScheduled" && c.Reason == "SchedulingGated") == true)
        {
            reason = "SchedulingGated";
        }

        var initSpecs = (spec.InitContainers ?? []).ToDictionary(c => c.Name ?? "", c => c, StringComparer.Ordinal);
        total += initSpecs.Values.Count(IsSidecar);

        var initializing = false;
        var initStatuses = status.InitContainerStatuses ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var cs = initStatuses[i];
            var sidecar = initSpecs.TryGetValue(cs.Name ?? "", out var initSpec) && IsSidecar(initSpec);
            restarts += cs.RestartCount;
            lastRestart = Later(lastRestart, cs.LastState?.Terminated?.FinishedAt);
            if (sidecar)
            {
                sidecarRestarts += cs.RestartCount;
                lastSidecarRestart = Later(lastSidecarRestart, cs.LastState?.Terminated?.FinishedAt);
            }

            var terminated = cs.State?.Terminated;
            var waiting = cs.State?.Waiting;
            if (terminated is { ExitCode: 0 })
            {
                continue;
            }

            if (sidecar && cs.Started == true)
            {
                ready += cs.Ready ? 1 : 0;
                continue;
            }

            if (terminated is not null)
            {
                reason = string.IsNullOrEmpty(terminated.Reason)
                    ? terminated.Signal is { } sig and not 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{terminated.ExitCode}"
                    : "Init:" + terminated.Reason;
            }
            else if (waiting is not null && !string.IsNullOrEmpty(waiting.Reason) && waiting.Reason != "PodInitializing")
            {
                reason = "Init:" + waiting.Reason;
            }
            else
            {
                reason = $"Init:{i}/{spec.InitContainers?.Count ?? 0}";
            }

            initializing = true;
            break;
        }

        if (!initializing || status.Conditions?.Any(c => c.Type == "Initialized" && c.Status == "True") == true)
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = status.ContainerStatuses ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var cs = statuses[i];
                restarts += cs.RestartCount;
                lastRestart = Later(lastRestart, cs.LastState?.Terminated?.FinishedAt);
                var waiting = cs.State?.Waiting;
                var terminated = cs.State?.Terminated;
                if (!string.IsNullOrEmpty(waiting?.Reason))
                {
                    reason = waiting.Reason;
                }
                else if (terminated is not null && !string.IsNullOrEmpty(terminated.Reason))
                {
                    reason = terminated.Reason;
                }
                else if (terminated is not null)
                {
                    reason = terminated.Signal is { } sig and not 0 ? $"Signal:{sig}" : $"ExitCode:{terminated.ExitCode}";
                }
                else if (cs.Ready && cs.State?.Running is not null)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "Running" : "NotReady";
            }
        }

        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            if (status.Reason == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (status.Phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        var restartsCell = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is { } last)
        {
            restartsCell += $" ({Age.Since(last, now)} ago)";
        }

        var ip = status.PodIPs is { Count: > 0 } ips ? ips[0].Ip : null;
        return
        [
            pod.Metadata?.Name,
            $"{ready}/{total}",
            reason,
            restartsCell,
            Age.Since(pod.Metadata?.CreationTimestamp, now),
            string.IsNullOrEmpty(ip) ? "<none>" : ip,
            string.IsNullOrEmpty(spec.NodeName) ? "<none>" : spec.NodeName,
            string.IsNullOrEmpty(status.NominatedNodeName) ? "<none>" : status.NominatedNodeName,
            ReadinessGates(spec, status),
        ];
    }

    private static string ReadinessGates(V1PodSpec spec, V1PodStatus status)
    {
        if (spec.ReadinessGates is not { Count: > 0 } gates)
        {
            return "<none>";
        }

        var met = gates.Count(g => status.Conditions?.FirstOrDefault(c => c.Type == g.ConditionType)?.Status == "True");
        return $"{met}/{gates.Count}";
    }

    private static bool IsSidecar(V1Container c) => c.RestartPolicy == "Always";

    private static DateTime? Later(DateTime? a, DateTime? b) => b is null || (a is not null && a >= b) ? a : b;
}
