using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Endpoints;

/// <summary>
/// What the Endpoints and EndpointSlice controllers read from a Service's pods (k/k <c>pkg/api/v1/pod</c>
/// <c>FindPort</c>, endpointslice <c>util</c> <c>ShouldPodBeInEndpoints</c> and <c>ShouldSetHostname</c>).
/// </summary>
internal static class EndpointPods
{
    /// <summary>
    /// Whether <paramref name="pod"/> belongs in endpoints at all: not Succeeded or Failed, with an IP, and (unless
    /// <paramref name="includeTerminating"/>) not being deleted.
    /// </summary>
    public static bool ShouldBeInEndpoints(V1Pod pod, bool includeTerminating)
    {
        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return false;
        }

        if (string.IsNullOrEmpty(PodIp(pod)))
        {
            return false;
        }

        return includeTerminating || pod.Metadata?.DeletionTimestamp is null;
    }

    /// <summary>The pod's (first IPv4) IP, or null.</summary>
    public static string? PodIp(V1Pod pod)
    {
        foreach (var ip in pod.Status?.PodIPs ?? [])
        {
            if (!string.IsNullOrEmpty(ip.Ip) && !ip.Ip.Contains(':', StringComparison.Ordinal))
            {
                return ip.Ip;
            }
        }

        var single = pod.Status?.PodIP;
        return string.IsNullOrEmpty(single) || single.Contains(':', StringComparison.Ordinal) ? null : single;
    }

    /// <summary>Whether the pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The Ready condition's last transition (the endpoints' change trigger time), if any.</summary>
    public static DateTime? ReadyTransition(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime;

    /// <summary>A pod that sets <c>hostname</c> and whose <c>subdomain</c> is the Service gets a hostname in its endpoints.</summary>
    public static bool ShouldSetHostname(V1Pod pod, V1Service service) =>
        !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == service.Metadata?.Name
        && pod.Metadata?.NamespaceProperty == service.Metadata?.NamespaceProperty;

    /// <summary>
    /// The container port a Service port reaches on <paramref name="pod"/>: a numeric targetPort as is; a named one
    /// matched by name and protocol in the containers, then in sidecars; null when the pod has no such port.
    /// </summary>
    public static int? FindPort(V1Pod pod, V1ServicePort servicePort)
    {
        var target = servicePort.TargetPort?.Value;
        if (string.IsNullOrEmpty(target))
        {
            return servicePort.Port;
        }

        if (int.TryParse(target, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var protocol = servicePort.Protocol ?? "TCP";
        var containers = (pod.Spec?.Containers ?? []).Concat((pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"));
        foreach (var container in containers)
        {
            foreach (var port in container.Ports ?? [])
            {
                if (port.Name == target && (port.Protocol ?? "TCP") == protocol)
                {
                    return port.ContainerPort;
                }
            }
        }

        return null;
    }

    /// <summary>Whether the Service's selector picks endpoints at all (a nil selector means user-managed endpoints).</summary>
    public static bool HasSelector(V1Service service) => service.Spec?.Selector is not null;

    /// <summary>Whether <paramref name="pod"/> is selected by <paramref name="service"/> (equality on every selector label).</summary>
    public static bool Selects(V1Service service, V1Pod pod)
    {
        if (service.Spec?.Selector is not { } selector || pod.Metadata?.NamespaceProperty != service.Metadata?.NamespaceProperty)
        {
            return false;
        }

        var labels = pod.Metadata?.Labels;
        foreach (var (k, v) in selector)
        {
            if (labels is null || !labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        return true;
    }
}
