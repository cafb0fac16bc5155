using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>The identity and storage of a StatefulSet's pods (<c>stateful_set_utils.go</c>).</summary>
public static partial class StatefulPods
{
    /// <summary>Label with the pod's own name.</summary>
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";

    /// <summary>Label with the pod's ordinal (1.28+).</summary>
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    /// <summary>Label with the ControllerRevision name the pod was made from.</summary>
    public const string RevisionLabel = "controller-revision-hash";

    /// <summary>The set's first ordinal (<c>spec.ordinals.start</c>, else 0).</summary>
    public static int StartOrdinal(V1StatefulSet set) => set.Spec?.Ordinals?.Start ?? 0;

    /// <summary>The set's last ordinal.</summary>
    public static int EndOrdinal(V1StatefulSet set) => StartOrdinal(set) + (set.Spec?.Replicas ?? 1) - 1;

    /// <summary>The parent name and ordinal encoded in a pod name (ordinal -1 when none).</summary>
    public static (string Parent, int Ordinal) ParentAndOrdinal(string? podName)
    {
        var m = OrdinalPattern().Match(podName ?? "");
        if (!m.Success || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return ("", -1);
        }

        return (m.Groups[1].Value, ordinal);
    }

    /// <summary>The pod's ordinal, -1 when its name has none.</summary>
    public static int Ordinal(V1Pod pod) => ParentAndOrdinal(pod.Metadata?.Name).Ordinal;

    /// <summary>Whether the pod's ordinal lies in [start, end].</summary>
    public static bool InOrdinalRange(V1Pod pod, V1StatefulSet set)
    {
        var o = Ordinal(pod);
        return o >= StartOrdinal(set) && o <= EndOrdinal(set);
    }

    /// <summary>Whether the pod's name says it belongs to <paramref name="set"/> (<c>isMemberOf</c>).</summary>
    public static bool IsMemberOf(V1StatefulSet set, V1Pod pod) => ParentAndOrdinal(pod.Metadata?.Name).Parent == set.Metadata.Name;

    /// <summary><c>&lt;set&gt;-&lt;ordinal&gt;</c>.</summary>
    public static string PodName(V1StatefulSet set, int ordinal) => string.Create(CultureInfo.InvariantCulture, $"{set.Metadata.Name}-{ordinal}");

    /// <summary><c>&lt;claim&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>.</summary>
    public static string ClaimName(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal) =>
        string.Create(CultureInfo.InvariantCulture, $"{template.Metadata?.Name}-{set.Metadata.Name}-{ordinal}");

    /// <summary>The revision a pod was made from (its controller-revision-hash label).</summary>
    public static string Revision(V1Pod pod) =>
        pod.Metadata?.Labels is { } l && l.TryGetValue(RevisionLabel, out var v) ? v : "";

    /// <summary><c>isCreated</c>: the API server has given the pod a phase.</summary>
    public static bool IsCreated(V1Pod pod) => !string.IsNullOrEmpty(pod.Status?.Phase);

    /// <summary><c>isRunningAndReady</c>.</summary>
    public static bool IsRunningAndReady(V1Pod pod) => PodState.Phase(pod) == "Running" && PodState.IsReady(pod);

    /// <summary><c>isRunningAndAvailable</c>.</summary>
    public static bool IsRunningAndAvailable(V1Pod pod, int minReadySeconds, DateTime now) =>
        PodState.Phase(pod) == "Running" && PodState.IsAvailable(pod, minReadySeconds, now);

    /// <summary><c>isHealthy</c>: running, ready and not terminating.</summary>
    public static bool IsHealthy(V1Pod pod) => IsRunningAndReady(pod) && !PodState.IsTerminating(pod);

    /// <summary>
    /// The claims of the pod at <paramref name="ordinal"/>, one per volumeClaimTemplate, keyed by template name,
    /// labelled with the set's selector labels.
    /// </summary>
    public static List<(string Volume, V1PersistentVolumeClaim Claim)> Claims(V1StatefulSet set, int ordinal)
    {
        var result = new List<(string, V1PersistentVolumeClaim)>();
        foreach (var template in set.Spec?.VolumeClaimTemplates ?? [])
        {
            var claim = ModelCopy.Clone(template);
            claim.ApiVersion = "v1";
            claim.Kind = "PersistentVolumeClaim";
            claim.Metadata ??= new V1ObjectMeta();
            claim.Metadata.Name = ClaimName(set, template, ordinal);
            claim.Metadata.NamespaceProperty = set.Metadata.NamespaceProperty;
            claim.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (k, v) in set.Spec?.Selector?.MatchLabels ?? new Dictionary<string, string>())
            {
                claim.Metadata.Labels[k] = v;
            }

            claim.Status = null;
            result.Add((template.Metadata?.Name ?? "", claim));
        }

        return result;
    }

    /// <summary>
    /// <c>newStatefulSetPod</c>: a pod from the set's template with its name, identity labels, hostname,
    /// subdomain and claim volumes, labelled with <paramref name="revision"/>.
    /// </summary>
    public static V1Pod New(V1StatefulSet set, int ordinal, string revision)
    {
        ArgumentNullException.ThrowIfNull(set);
        var pod = PodTemplates.NewPod(set.Spec.Template, set.Metadata.Name, ControllerRefs.For(set, "apps/v1", "StatefulSet"));
        pod.Metadata.GenerateName = null;
        pod.Metadata.Name = PodName(set, ordinal);
        UpdateIdentity(set, pod);
        pod.Spec.Hostname = pod.Metadata.Name;
        pod.Spec.Subdomain = set.Spec.ServiceName;
        UpdateStorage(set, pod);
        pod.Metadata.Labels[RevisionLabel] = revision;
        return pod;
    }

    /// <summary><c>updateIdentity</c>: name, namespace and the identity labels.</summary>
    public static void UpdateIdentity(V1StatefulSet set, V1Pod pod)
    {
        var ordinal = Ordinal(pod);
        pod.Metadata.Name = PodName(set, ordinal);
        pod.Metadata.NamespaceProperty = set.Metadata.NamespaceProperty;
        pod.Metadata.Labels ??= new Dictionary<string, string>();
        pod.Metadata.Labels[PodNameLabel] = pod.Metadata.Name;
        pod.Metadata.Labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>identityMatches</c>.</summary>
    public static bool IdentityMatches(V1StatefulSet set, V1Pod pod)
    {
        var (parent, ordinal) = ParentAndOrdinal(pod.Metadata?.Name);
        var labels = pod.Metadata?.Labels;
        return ordinal >= 0
            && parent == set.Metadata.Name
            && pod.Metadata!.Name == PodName(set, ordinal)
            && pod.Metadata.NamespaceProperty == set.Metadata.NamespaceProperty
            && labels is not null
            && labels.TryGetValue(PodNameLabel, out var name) && name == pod.Metadata.Name
            && labels.TryGetValue(PodIndexLabel, out var index) && index == ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>storageMatches</c>: every claim template is mounted from its per-ordinal claim.</summary>
    public static bool StorageMatches(V1StatefulSet set, V1Pod pod)
    {
        var ordinal = Ordinal(pod);
        if (ordinal < 0)
        {
            return false;
        }

        var volumes = (pod.Spec?.Volumes ?? []).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var template in set.Spec?.VolumeClaimTemplates ?? [])
        {
            if (!volumes.TryGetValue(template.Metadata?.Name ?? "", out var volume)
                || volume.PersistentVolumeClaim?.ClaimName != ClaimName(set, template, ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>updateStorage</c>: claim volumes first, the template's other volumes after.</summary>
    public static void UpdateStorage(V1StatefulSet set, V1Pod pod)
    {
        var claims = Claims(set, Ordinal(pod));
        var names = claims.Select(c => c.Volume).ToHashSet();
        var volumes = claims.Select(c => new V1Volume
        {
            Name = c.Volume,
            PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = c.Claim.Metadata.Name },
        }).ToList();
        volumes.AddRange((pod.Spec.Volumes ?? []).Where(v => !names.Contains(v.Name)));
        pod.Spec.Volumes = volumes.Count == 0 ? null : volumes;
    }

    [GeneratedRegex("^(.*)-([0-9]+)$")]
    private static partial Regex OrdinalPattern();
}
