using System.Globalization;
using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>A running pod that is not Ready: which container, which probe, and the probe's last failure.</summary>
internal static class ReadinessDiagnosis
{
    public static IEnumerable<Finding> Explain(PodFacts facts)
    {
        var pod = facts.Pod;
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (ready?.Status == "True")
        {
            yield break;
        }

        var specs = (pod.Spec?.Containers ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var status in (pod.Status?.ContainerStatuses ?? []).Where(s => !s.Ready && s.State?.Running is not null))
        {
            var spec = specs.GetValueOrDefault(status.Name);
            var failure = LastProbeEvent(facts, status.Name, "Readiness probe");
            var probe = spec?.ReadinessProbe;
            if (probe is null && failure is null)
            {
                yield return new Finding("warning", "NotReady", $"Container {status.Name} is running but not ready.", null, null, status.Name);
                continue;
            }

            yield return new Finding("warning", "ReadinessProbeFailing",
                failure is null
                    ? $"Container {status.Name} is running, but its readiness probe has not passed yet."
                    : $"Container {status.Name} is running, but its readiness probe fails.",
                ContainerDiagnosis.Join(failure is null ? null : "Last failure: " + failure, probe is null ? null : "Probe: " + Describe(probe)),
                "The pod gets no Service traffic until the probe passes. Check that the probe's port and path match what the program serves.",
                status.Name);
        }

        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            if (LastProbeEvent(facts, status.Name, "Liveness probe") is { } liveness)
            {
                yield return new Finding("warning", "LivenessProbeFailing", $"Container {status.Name}'s liveness probe fails, so the kubelet restarts it.",
                    "Last failure: " + liveness, "Check the liveness probe's port, path and timing (initialDelaySeconds).", status.Name);
            }
        }

        if (ready is not null && ready.Reason == "ReadinessGatesNotReady")
        {
            yield return new Finding("warning", "ReadinessGates", "A readiness gate of the pod is not satisfied.", ready.Message);
        }
    }

    internal static string Describe(V1Probe probe)
    {
        var target = probe.HttpGet is { } http
            ? $"HTTP GET {http.Scheme?.ToLowerInvariant() ?? "http"}://:{http.Port?.Value}{http.Path ?? "/"}"
            : probe.TcpSocket is { } tcp ? $"TCP connect to port {tcp.Port?.Value}"
            : probe.Exec is { } exec ? "exec " + string.Join(' ', exec.Command ?? [])
            : probe.Grpc is { } grpc ? $"gRPC on port {grpc.Port.ToString(CultureInfo.InvariantCulture)}"
            : "unknown";
        return $"{target} (every {probe.PeriodSeconds ?? 10} s, timeout {probe.TimeoutSeconds ?? 1} s, after {probe.InitialDelaySeconds ?? 0} s, failure threshold {probe.FailureThreshold ?? 3})";
    }

    private static string? LastProbeEvent(PodFacts facts, string container, string prefix) =>
        facts.Events
            .Where(e => e.Reason == "Unhealthy" && e.Message?.StartsWith(prefix, StringComparison.Ordinal) == true
                && (e.InvolvedObject?.FieldPath is null || e.InvolvedObject.FieldPath.Contains("{" + container + "}", StringComparison.Ordinal)))
            .OrderByDescending(SchedulingDiagnosis.EventTime)
            .Select(e => e.Message)
            .FirstOrDefault();
}
