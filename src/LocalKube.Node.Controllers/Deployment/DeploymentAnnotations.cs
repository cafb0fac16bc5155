using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>The revision and replica annotations the Deployment controller keeps on its ReplicaSets.</summary>
public static class DeploymentAnnotations
{
    /// <summary>The revision number of an RS, mirrored to its Deployment.</summary>
    public const string Revision = "deployment.kubernetes.io/revision";

    /// <summary>Previous revision numbers of a re-used RS (after a rollback).</summary>
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";

    /// <summary>The Deployment's <c>spec.replicas</c> at the RS's last scale.</summary>
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";

    /// <summary><c>spec.replicas + maxSurge</c> at the RS's last scale.</summary>
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";

    /// <summary>The label that tells a Deployment's ReplicaSets (and their pods) apart.</summary>
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Upstream's cap on the revision-history annotation.</summary>
    public const int MaxRevisionHistoryChars = 2000;

    private static readonly HashSet<string> SkippedAnnotations =
    [
        "kubectl.kubernetes.io/last-applied-configuration",
        Revision,
        RevisionHistory,
        DesiredReplicas,
        MaxReplicas,
        "deprecated.deployment.rollback.to",
    ];

    /// <summary>Whether a Deployment annotation is not copied to its ReplicaSets.</summary>
    public static bool IsSkipped(string key) => SkippedAnnotations.Contains(key);

    /// <summary>The revision number of <paramref name="meta"/> (0 when absent or not a number).</summary>
    public static long RevisionOf(V1ObjectMeta? meta) =>
        meta?.Annotations is { } a && a.TryGetValue(Revision, out var v)
            && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>The highest revision of <paramref name="replicaSets"/>.</summary>
    public static long MaxRevision(IEnumerable<V1ReplicaSet> replicaSets) =>
        replicaSets.Select(rs => RevisionOf(rs.Metadata)).DefaultIfEmpty(0).Max();

    /// <summary>An int annotation, when present and parsable.</summary>
    public static int? IntAnnotation(V1ObjectMeta? meta, string key) =>
        meta?.Annotations is { } a && a.TryGetValue(key, out var v)
            && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// <c>SetNewReplicaSetAnnotations</c>: copy the Deployment's annotations, raise the revision (keeping the old
    /// number in the history when an existing RS is re-used), and, for an RS about to be created, the replica
    /// annotations. Returns whether anything changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(V1Deployment deployment, V1ReplicaSet rs, string newRevision, bool exists, int maxSurge)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(rs);
        rs.Metadata ??= new V1ObjectMeta();
        var changed = CopyToReplicaSet(deployment, rs);
        var annotations = rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var had = annotations.TryGetValue(Revision, out var oldRevision);
        long oldNumber = 0;
        if (had && !long.TryParse(oldRevision, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out oldNumber))
        {
            if (!string.IsNullOrEmpty(oldRevision))
            {
                return false;
            }

            oldNumber = 0;
        }

        if (!long.TryParse(newRevision, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var newNumber))
        {
            return false;
        }

        if (oldNumber < newNumber)
        {
            annotations[Revision] = newRevision;
            changed = true;
        }

        if (had && oldNumber < newNumber && !string.IsNullOrEmpty(oldRevision))
        {
            AppendHistory(annotations, oldRevision!);
        }

        var replicas = deployment.Spec?.Replicas ?? 0;
        if (!exists && SetReplicasAnnotations(rs, replicas, replicas + maxSurge))
        {
            changed = true;
        }

        return changed;
    }

    /// <summary><c>SetReplicasAnnotations</c>: the desired and max replica annotations; whether they changed.</summary>
    public static bool SetReplicasAnnotations(V1ReplicaSet rs, int desired, int max)
    {
        ArgumentNullException.ThrowIfNull(rs);
        rs.Metadata ??= new V1ObjectMeta();
        var annotations = rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var updated = false;
        var desiredText = desired.ToString(CultureInfo.InvariantCulture);
        if (!annotations.TryGetValue(DesiredReplicas, out var d) || d != desiredText)
        {
            annotations[DesiredReplicas] = desiredText;
            updated = true;
        }

        var maxText = max.ToString(CultureInfo.InvariantCulture);
        if (!annotations.TryGetValue(MaxReplicas, out var m) || m != maxText)
        {
            annotations[MaxReplicas] = maxText;
            updated = true;
        }

        return updated;
    }

    /// <summary><c>ReplicasAnnotationsNeedUpdate</c>.</summary>
    public static bool ReplicasAnnotationsNeedUpdate(V1ReplicaSet rs, int desired, int max)
    {
        ArgumentNullException.ThrowIfNull(rs);
        var annotations = rs.Metadata?.Annotations;
        return annotations is null
            || !annotations.TryGetValue(DesiredReplicas, out var d) || d != desired.ToString(CultureInfo.InvariantCulture)
            || !annotations.TryGetValue(MaxReplicas, out var m) || m != max.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><c>SetDeploymentRevision</c>: whether the Deployment's revision annotation changed.</summary>
    public static bool SetDeploymentRevision(V1Deployment deployment, string revision)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        deployment.Metadata ??= new V1ObjectMeta();
        var annotations = deployment.Metadata.Annotations ??= new Dictionary<string, string>();
        if (annotations.TryGetValue(Revision, out var current) && current == revision)
        {
            return false;
        }

        annotations[Revision] = revision;
        return true;
    }

    // copyDeploymentAnnotationsToReplicaSet: every annotation but the skipped ones, only when different.
    private static bool CopyToReplicaSet(V1Deployment deployment, V1ReplicaSet rs)
    {
        var annotations = rs.Metadata.Annotations ??= new Dictionary<string, string>();
        var changed = false;
        foreach (var (key, value) in deployment.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            if (IsSkipped(key) || (annotations.TryGetValue(key, out var existing) && existing == value))
            {
                continue;
            }

            annotations[key] = value;
            changed = true;
        }

        return changed;
    }

    // The old revision joins the history, dropping the oldest numbers to stay within the character cap.
    private static void AppendHistory(IDictionary<string, string> annotations, string oldRevision)
    {
        annotations.TryGetValue(RevisionHistory, out var history);
        history ??= "";
        var oldRevisions = history.Split(',').ToList();
        if (oldRevisions[0].Length == 0)
        {
            annotations[RevisionHistory] = oldRevision;
            return;
        }

        var totalLength = history.Length + oldRevision.Length + 1;
        var start = 0;
        while (totalLength > MaxRevisionHistoryChars && start < oldRevisions.Count)
        {
            totalLength -= oldRevisions[start].Length + 1;
            start++;
        }

        if (totalLength <= MaxRevisionHistoryChars)
        {
            annotations[RevisionHistory] = string.Join(',', oldRevisions.Skip(start).Append(oldRevision));
        }
    }
}
