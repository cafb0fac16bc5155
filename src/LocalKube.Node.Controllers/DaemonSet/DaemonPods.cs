using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>Daemon pods as upstream makes them (<c>daemonset_util.go</c>).</summary>
public static class DaemonPods
{
    /// <summary>The revision label (the bare hash, unlike a StatefulSet's).</summary>
    public const string RevisionLabel = "controller-revision-hash";

    /// <summary>The deprecated template-generation label.</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    /// <summary>The DaemonSet annotation the API server keeps the template generation in.</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    /// <summary>
    /// A copy of <paramref name="spec"/> with the tolerations every daemon pod gets (Exists, no seconds):
    /// not-ready and unreachable NoExecute; disk, memory and pid pressure and unschedulable NoSchedule; and
    /// network-unavailable NoSchedule for host-network pods.
    /// </summary>
    public static V1PodSpec WithDaemonTolerations(V1PodSpec spec)
    {
        var copy = ModelCopy.Clone(spec);
        AddDaemonTolerations(copy);
        return copy;
    }

    /// <summary><c>AddOrUpdateDaemonPodTolerations</c> in place.</summary>
    public static void AddDaemonTolerations(V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Add(spec, "node.kubernetes.io/not-ready", "NoExecute");
        Add(spec, "node.kubernetes.io/unreachable", "NoExecute");
        Add(spec, "node.kubernetes.io/disk-pressure", "NoSchedule");
        Add(spec, "node.kubernetes.io/memory-pressure", "NoSchedule");
        Add(spec, "node.kubernetes.io/pid-pressure", "NoSchedule");
        Add(spec, "node.kubernetes.io/unschedulable", "NoSchedule");
        if (spec.HostNetwork == true)
        {
            Add(spec, "node.kubernetes.io/network-unavailable", "NoSchedule");
        }
    }

    /// <summary>
    /// <c>CreatePodTemplate</c>: the template with the daemon tolerations, the generation label (when the API server
    /// keeps one) and the revision hash label.
    /// </summary>
    public static V1PodTemplateSpec Template(V1DaemonSet ds, string hash)
    {
        var template = ModelCopy.Clone(ds.Spec.Template);
        AddDaemonTolerations(template.Spec);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels ??= new Dictionary<string, string>();
        if (TemplateGeneration(ds) is { } generation)
        {
            template.Metadata.Labels[TemplateGenerationLabel] = generation;
        }

        if (hash.Length > 0)
        {
            template.Metadata.Labels[RevisionLabel] = hash;
        }

        return template;
    }

    /// <summary>The template generation annotation, when present.</summary>
    public static string? TemplateGeneration(V1DaemonSet ds) =>
        ds.Metadata?.Annotations is { } a && a.TryGetValue(TemplateGenerationAnnotation, out var g) ? g : null;

    /// <summary>
    /// <c>ReplaceDaemonSetPodNodeNameNodeAffinity</c>: the required node affinity becomes one term,
    /// <c>matchFields metadata.name In [node]</c>; other affinity stays.
    /// </summary>
    public static V1Affinity PinToNode(V1Affinity? affinity, string nodeName)
    {
        var term = new V1NodeSelectorTerm
        {
            MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [nodeName] }],
        };
        affinity ??= new V1Affinity();
        affinity.NodeAffinity ??= new V1NodeAffinity();
        affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector { NodeSelectorTerms = [term] };
        return affinity;
    }

    /// <summary>
    /// <c>GetTargetNodeName</c>: the pod's node, or for an unscheduled daemon pod the node its affinity pins it to.
    /// </summary>
    public static string? TargetNode(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            return pod.Spec.NodeName;
        }

        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is not { Count: 1 })
        {
            return null;
        }

        var field = terms[0].MatchFields?.FirstOrDefault(f => f.Key == "metadata.name" && f.OperatorProperty == "In");
        return field?.Values is { Count: 1 } v ? v[0] : null;
    }

    /// <summary><c>IsPodUpdated</c>: the revision hash or the template generation matches.</summary>
    public static bool IsUpdated(V1Pod pod, string hash, string? generation)
    {
        var labels = pod.Metadata?.Labels;
        var hashMatches = hash.Length > 0 && labels is not null && labels.TryGetValue(RevisionLabel, out var h) && h == hash;
        var generationMatches = generation is not null && labels is not null && labels.TryGetValue(TemplateGenerationLabel, out var g) && g == generation;
        return hashMatches || generationMatches;
    }

    /// <summary><c>podByCreationTimestampAndPhase</c>: scheduled first, then oldest, then by name.</summary>
    public static int ByCreationScheduledFirst(V1Pod a, V1Pod b)
    {
        var sa = !string.IsNullOrEmpty(a.Spec?.NodeName);
        var sb = !string.IsNullOrEmpty(b.Spec?.NodeName);
        if (sa != sb)
        {
            return sa ? -1 : 1;
        }

        return ObjectOrder.ByCreation(a, b);
    }

    private static void Add(V1PodSpec spec, string key, string effect)
    {
        spec.Tolerations ??= new List<V1Toleration>();
        var toleration = new V1Toleration { Key = key, OperatorProperty = "Exists", Effect = effect };
        for (var i = 0; i < spec.Tolerations.Count; i++)
        {
            var t = spec.Tolerations[i];
            if (t.Key == key && t.Effect == effect && (t.OperatorProperty ?? "Equal") == "Exists")
            {
                spec.Tolerations[i] = toleration;
                return;
            }
        }

        spec.Tolerations.Add(toleration);
    }
}
