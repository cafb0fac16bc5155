using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// A pod with what the plugins read from it computed once (kube-scheduler <c>framework.PodInfo</c>): its key,
/// priority, requests, host ports and compiled affinity terms.
/// </summary>
public sealed class PodInfo
{
    private ResourceAmounts? _nonZero;

    /// <summary>Reads <paramref name="pod"/>.</summary>
    public PodInfo(V1Pod pod)
    {
        Pod = pod ?? throw new ArgumentNullException(nameof(pod));
        Namespace = pod.Metadata?.NamespaceProperty ?? "";
        Name = pod.Metadata?.Name ?? "";
        Key = KeyOf(Namespace, Name);
        Uid = pod.Metadata?.Uid ?? "";
        Requests = PodRequests.Compute(pod.Spec);
        HostPorts = ReadHostPorts(pod.Spec);

        var affinity = pod.Spec?.Affinity;
        RequiredAffinityTerms = Terms(pod, affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        RequiredAntiAffinityTerms = Terms(pod, affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution);
        PreferredAffinityTerms = Weighted(pod, affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution);
        PreferredAntiAffinityTerms = Weighted(pod, affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution);
    }

    /// <summary>The pod.</summary>
    public V1Pod Pod { get; }

    /// <summary><c>namespace/name</c>.</summary>
    public string Key { get; }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The UID.</summary>
    public string Uid { get; }

    /// <summary>The labels (may be null).</summary>
    public IDictionary<string, string>? Labels => Pod.Metadata?.Labels;

    /// <summary><c>spec.priority</c> as set by the Priority admission (0 when unset).</summary>
    public int Priority => Pod.Spec?.Priority ?? 0;

    /// <summary>The effective resource requests.</summary>
    public ResourceAmounts Requests { get; }

    /// <summary>The requests with unset CPU/memory counted as the scoring defaults.</summary>
    public ResourceAmounts NonZeroRequests => _nonZero ??= PodRequests.ComputeNonZero(Pod.Spec);

    /// <summary>The host ports of its containers and sidecars.</summary>
    public IReadOnlyList<HostPort> HostPorts { get; }

    /// <summary>Whether the pod declares pod affinity or anti-affinity of any kind.</summary>
    public bool HasAffinity => Pod.Spec?.Affinity is { } a && (a.PodAffinity is not null || a.PodAntiAffinity is not null);

    internal IReadOnlyList<AffinityTerm> RequiredAffinityTerms { get; }

    internal IReadOnlyList<AffinityTerm> RequiredAntiAffinityTerms { get; }

    internal IReadOnlyList<AffinityTerm> PreferredAffinityTerms { get; }

    internal IReadOnlyList<AffinityTerm> PreferredAntiAffinityTerms { get; }

    /// <summary>The store key of a pod.</summary>
    public static string KeyOf(string ns, string name) => ns + "/" + name;

    private static List<HostPort> ReadHostPorts(V1PodSpec? spec)
    {
        var ports = new List<HostPort>();
        if (spec is null)
        {
            return ports;
        }

        var containers = (spec.Containers ?? []).Concat((spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"));
        foreach (var c in containers)
        {
            foreach (var p in c.Ports ?? [])
            {
                if (p.HostPort is > 0 and var port)
                {
                    var ip = string.IsNullOrEmpty(p.HostIP) ? HostPort.AnyIp : p.HostIP;
                    ports.Add(new HostPort(ip, string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol, port));
                }
            }
        }

        return ports;
    }

    private static List<AffinityTerm> Terms(V1Pod pod, IList<V1PodAffinityTerm>? terms) =>
        terms is null ? [] : terms.Select(t => AffinityTerm.From(pod, t)).ToList();

    private static List<AffinityTerm> Weighted(V1Pod pod, IList<V1WeightedPodAffinityTerm>? terms) =>
        terms is null ? [] : terms.Where(t => t.PodAffinityTerm is not null).Select(t => AffinityTerm.From(pod, t.PodAffinityTerm, t.Weight)).ToList();
}
