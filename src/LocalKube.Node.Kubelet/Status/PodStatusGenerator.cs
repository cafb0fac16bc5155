using k8s.Models;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>
/// A pod's status as the kubelet writes it (<c>k8s: kubelet_pods.go generateAPIPodStatus</c> and the status manager's
/// normalisation): phase, the five conditions in upstream's order after the ones others own, container statuses
/// with started and ready from the prober, IPs, startTime set once, qosClass; terminal phases never change back.
/// </summary>
public static class PodStatusGenerator
{
    /// <summary>Computes the status.</summary>
    public static V1PodStatus Generate(PodStatusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pod = input.Pod;
        var spec = pod.Spec ?? new V1PodSpec();
        var api = pod.Status ?? new V1PodStatus();
        var old = input.Previous ?? api;
        var runtime = input.Runtime;

        var status = new V1PodStatus
        {
            QosClass = QosClass.Of(spec),
            ContainerStatuses = ContainerStatusBuilder.Build(pod, runtime, old.ContainerStatuses, spec.Containers ?? [], false, input.RuntimeType, input.WaitingReasons),
            InitContainerStatuses = spec.InitContainers is { Count: > 0 }
                ? ContainerStatusBuilder.Build(pod, runtime, old.InitContainerStatuses, spec.InitContainers, true, input.RuntimeType, input.WaitingReasons)
                : null,
            EphemeralContainerStatuses = spec.EphemeralContainers is { Count: > 0 }
                ? ContainerStatusBuilder.Build(pod, runtime, old.EphemeralContainerStatuses, spec.EphemeralContainers.Select(PodSpecFacts.AsContainer).ToList(), false, input.RuntimeType, input.WaitingReasons)
                : null,
        };

        var ips = runtime.Ips;
        if (ips.Count == 0 && old.PodIPs is { Count: > 0 } && spec.HostNetwork != true)
        {
            // A stopped sandbox has no address, but the pod keeps the one it had (kubectl shows it for completed pods).
            ips = old.PodIPs.Select(p => p.Ip).ToList();
        }

        if (spec.HostNetwork == true && input.HostIps.Count > 0)
        {
            ips = input.HostIps;
        }

        if (ips.Count > 0)
        {
            status.PodIP = ips[0];
            status.PodIPs = ips.Select(ip => new V1PodIP { Ip = ip }).ToList();
        }

        var all = status.ContainerStatuses.Concat(status.InitContainerStatuses ?? []).ToList();
        status.Phase = PodPhaseCalculator.Compute(pod, all, input.PodIsTerminal);
        if (status.Phase is not ("Failed" or "Succeeded"))
        {
            if (old.Phase is "Failed" or "Succeeded")
            {
                status.Phase = old.Phase;
            }
            else if (api.Phase is "Failed" or "Succeeded")
            {
                status.Phase = api.Phase;
            }
        }

        if (status.Phase == old.Phase)
        {
            status.Reason = string.IsNullOrEmpty(old.Reason) ? api.Reason : old.Reason;
            status.Message = string.IsNullOrEmpty(old.Message) ? api.Message : old.Message;
        }

        if (api.Phase is "Failed" or "Succeeded")
        {
            status.Phase = api.Phase;
        }

        ApplyProbes(pod, status, input.Probes);

        var conditions = (api.Conditions ?? []).Where(c => !PodConditionTypes.OwnedByKubelet.Contains(c.Type)).ToList();
        all = status.ContainerStatuses.Concat(status.InitContainerStatuses ?? []).ToList();
        conditions.Add(PodConditionGenerator.ReadyToStartContainers(SandboxReady(pod, runtime)));
        conditions.Add(PodConditionGenerator.Initialized(spec, all, status.Phase));
        conditions.Add(PodConditionGenerator.Ready(spec, conditions, all, status.Phase));
        conditions.Add(PodConditionGenerator.ContainersReady(spec, all, status.Phase));
        conditions.Add(new V1PodCondition { Type = PodConditionTypes.PodScheduled, Status = "True" });
        var now = Seconds(input.Now);
        foreach (var condition in conditions.Where(c => PodConditionTypes.OwnedByKubelet.Contains(c.Type)))
        {
            var before = (old.Conditions ?? []).FirstOrDefault(c => c.Type == condition.Type)
                ?? (api.Conditions ?? []).FirstOrDefault(c => c.Type == condition.Type);
            condition.LastTransitionTime = before is not null && before.Status == condition.Status && before.LastTransitionTime is not null
                ? before.LastTransitionTime
                : now;
            condition.LastProbeTime = null;
        }

        status.Conditions = conditions;
        if (input.HostIps.Count > 0)
        {
            status.HostIP = input.HostIps[0];
            status.HostIPs = input.HostIps.Select(ip => new V1HostIP { Ip = ip }).ToList();
        }

        status.StartTime = old.StartTime ?? api.StartTime ?? now;
        return status;
    }

    /// <summary>Whether the pod's newest sandbox is the one to use (upstream's !PodSandboxChanged).</summary>
    public static bool SandboxReady(V1Pod pod, PodRuntimeStatus runtime)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(runtime);
        if (runtime.Sandboxes.Count == 0)
        {
            return false;
        }

        var newest = runtime.Sandboxes[0];
        if (runtime.Sandboxes.Count(s => s.State == PodSandboxState.Ready) > 1 || newest.State != PodSandboxState.Ready)
        {
            return false;
        }

        var hostNetwork = pod.Spec?.HostNetwork == true;
        return newest.HostNetwork == hostNetwork && (hostNetwork || newest.Ip.Length > 0);
    }

    // The prober's view (upstream's probeManager.UpdatePodStatus): started after the startup probe, ready after
    // readiness; no probe means started/ready as soon as it runs; a completed init container is ready.
    private static void ApplyProbes(V1Pod pod, V1PodStatus status, IProbeStatus probes)
    {
        var spec = pod.Spec ?? new V1PodSpec();
        foreach (var cs in status.ContainerStatuses ?? [])
        {
            var container = spec.Containers?.FirstOrDefault(c => c.Name == cs.Name);
            cs.Started = Started(container, cs, probes);
            cs.Ready = cs.Started == true && Ready(container, cs, probes);
        }

        foreach (var cs in status.InitContainerStatuses ?? [])
        {
            var container = spec.InitContainers?.FirstOrDefault(c => c.Name == cs.Name);
            cs.Started = Started(container, cs, probes);
            if (container is null || !PodSpecFacts.IsSidecar(container))
            {
                cs.Ready = cs.State?.Terminated is { ExitCode: 0 };
                continue;
            }

            cs.Ready = cs.Started == true && Ready(container, cs, probes);
        }
    }

    private static bool Started(V1Container? container, V1ContainerStatus cs, IProbeStatus probes)
    {
        if (cs.State?.Running is null)
        {
            return false;
        }

        var id = ContainerId(cs);
        return probes.Startup(id) is { } result ? result : container?.StartupProbe is null;
    }

    private static bool Ready(V1Container? container, V1ContainerStatus cs, IProbeStatus probes)
    {
        if (cs.State?.Running is null)
        {
            return false;
        }

        return probes.Readiness(ContainerId(cs)) is { } result ? result : container?.ReadinessProbe is null;
    }

    private static string ContainerId(V1ContainerStatus cs)
    {
        var id = cs.ContainerID ?? "";
        var scheme = id.IndexOf("://", StringComparison.Ordinal);
        return scheme >= 0 ? id[(scheme + 3)..] : id;
    }

    private static DateTime Seconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
