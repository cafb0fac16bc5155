using k8s.Models;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The API defaults a static pod needs in the kubelet's own copy (its mirror gets the API server's): restart
/// policy, grace period, DNS policy, service links, and per container the pull policy and termination message.
/// </summary>
internal static class StaticPodDefaults
{
    public static void Apply(V1PodSpec spec)
    {
        spec.RestartPolicy = string.IsNullOrEmpty(spec.RestartPolicy) ? "Always" : spec.RestartPolicy;
        spec.TerminationGracePeriodSeconds ??= 30;
        spec.DnsPolicy = string.IsNullOrEmpty(spec.DnsPolicy) ? "ClusterFirst" : spec.DnsPolicy;
        spec.EnableServiceLinks ??= true;
        spec.SchedulerName = string.IsNullOrEmpty(spec.SchedulerName) ? "default-scheduler" : spec.SchedulerName;
        foreach (var c in (spec.InitContainers ?? []).Concat(spec.Containers ?? []))
        {
            c.TerminationMessagePath = string.IsNullOrEmpty(c.TerminationMessagePath) ? "/dev/termination-log" : c.TerminationMessagePath;
            c.TerminationMessagePolicy = string.IsNullOrEmpty(c.TerminationMessagePolicy) ? "File" : c.TerminationMessagePolicy;
            if (string.IsNullOrEmpty(c.ImagePullPolicy))
            {
                var latest = !Runtime.ImageReference.TryParse(c.Image ?? "", out var r, out _) || r!.IsLatest;
                c.ImagePullPolicy = latest ? "Always" : "IfNotPresent";
            }
        }
    }
}
