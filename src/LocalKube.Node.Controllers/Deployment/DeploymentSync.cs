using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>
/// One sync of one Deployment (<c>syncDeployment</c> and its rolling, recreate, scale and status steps), given
/// the ReplicaSets it owns and their pods. Every write goes through <see cref="IDeploymentActions"/>.
/// </summary>
public sealed partial class DeploymentSync(IDeploymentActions actions, TimeProvider time)
{
    /// <summary>The apps/v1 kind written into controller references.</summary>
    public const string Kind = "Deployment";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Syncs <paramref name="d"/> (a copy the sync may change). <paramref name="podsByReplicaSet"/> maps an RS uid
    /// to its pods. Returns when to look again, if a timer is needed (progress deadline).
    /// </summary>
    public async Task<TimeSpan?> SyncAsync(V1Deployment d, IReadOnlyList<V1ReplicaSet> replicaSets, IReadOnlyDictionary<string, List<V1Pod>> podsByReplicaSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(replicaSets);
        var rsList = replicaSets.Select(ModelCopy.Clone).ToList();
        if (d.Spec?.Selector is { } selector && (selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0)
        {
            actions.Event(d, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0))
            {
                d.Status ??= new V1DeploymentStatus();
                d.Status.ObservedGeneration = d.Metadata.Generation;
                await actions.UpdateStatusAsync(d, cancellationToken);
            }

            return null;
        }

        if (d.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(d, rsList, cancellationToken);
            return null;
        }

        await CheckPausedConditionsAsync(d, cancellationToken);
        if (d.Spec?.Paused == true)
        {
            await ScaleSyncAsync(d, rsList, cancellationToken);
            return null;
        }

        if (IsScalingEvent(d, rsList))
        {
            await ScaleSyncAsync(d, rsList, cancellationToken);
            return null;
        }

        return RolloutMath.IsRollingUpdate(d)
            ? await RolloutRollingAsync(d, rsList, cancellationToken)
            : await RolloutRecreateAsync(d, rsList, podsByReplicaSet, cancellationToken);
    }

    // sync: proportional scaling for a paused Deployment or a scaling event, then cleanup (paused) and status.
    private async Task ScaleSyncAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: false, ct);
        await ScaleAsync(d, newRS, oldRSs, ct);
        if (d.Spec?.Paused == true)
        {
            await CleanupAsync(d, oldRSs, ct);
        }

        await SyncDeploymentStatusAsync(d, [.. oldRSs, newRS], newRS, ct);
    }

    private async Task SyncStatusOnlyAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRS, oldRSs) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, create: false, ct);
        await SyncDeploymentStatusAsync(d, [.. oldRSs, newRS], newRS, ct);
    }

    private async Task SyncDeploymentStatusAsync(V1Deployment d, List<V1ReplicaSet?> all, V1ReplicaSet? newRS, CancellationToken ct)
    {
        var status = DeploymentStatusMath.Calculate(all, newRS, d, Now);
        if (DeploymentStatusMath.SameAs(d.Status, status))
        {
            return;
        }

        d.Status = status;
        await actions.UpdateStatusAsync(d, ct);
    }

    // Progressing=Unknown DeploymentPaused / DeploymentResumed, never over ProgressDeadlineExceeded.
    private async Task CheckPausedConditionsAsync(V1Deployment d, CancellationToken ct)
    {
        if (!DeploymentConditions.HasProgressDeadline(d))
        {
            return;
        }

        var condition = DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing);
        if (condition?.Reason == DeploymentConditions.TimedOutReason)
        {
            return;
        }

        var pausedExists = condition?.Reason == DeploymentConditions.PausedReason;
        var paused = d.Spec?.Paused == true;
        V1DeploymentCondition? next = null;
        if (paused && !pausedExists)
        {
            next = DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.PausedReason, "Deployment is paused", Now);
        }
        else if (!paused && pausedExists)
        {
            next = DeploymentConditions.New(DeploymentConditions.Progressing, "Unknown", DeploymentConditions.ResumedReason, "Deployment is resumed", Now);
        }

        if (next is null)
        {
            return;
        }

        d.Status ??= new V1DeploymentStatus();
        DeploymentConditions.Set(d.Status, next);
        var stored = await actions.UpdateStatusAsync(d, ct);
        d.Metadata.ResourceVersion = stored.Metadata?.ResourceVersion ?? d.Metadata.ResourceVersion;
    }

    // A scaling event: an active RS whose desired-replicas annotation differs from spec.replicas.
    private static bool IsScalingEvent(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var newRS = FindNewReplicaSet(d, rsList);
        var all = rsList.Where(rs => !ReferenceEquals(rs, newRS)).Append(newRS);
        foreach (var rs in RolloutMath.Active(all))
        {
            if (DeploymentAnnotations.IntAnnotation(rs.Metadata, DeploymentAnnotations.DesiredReplicas) is { } desired
                && desired != RolloutMath.Replicas(d))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>FindNewReplicaSet</c>: the oldest RS whose template equals the Deployment's, ignoring the hash label.
    /// </summary>
    public static V1ReplicaSet? FindNewReplicaSet(V1Deployment d, IEnumerable<V1ReplicaSet> rsList)
    {
        foreach (var rs in ObjectOrder.OldestFirst(rsList))
        {
            if (EqualIgnoreHash(rs.Spec?.Template, d.Spec?.Template))
            {
                return rs;
            }
        }

        return null;
    }

    /// <summary><c>EqualIgnoreHash</c>: semantic equality of two templates without the pod-template-hash label.</summary>
    public static bool EqualIgnoreHash(V1PodTemplateSpec? a, V1PodTemplateSpec? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var x = SemanticEquality.Normalize(a);
        var y = SemanticEquality.Normalize(b);
        RemoveHashLabel(x);
        RemoveHashLabel(y);
        return System.Text.Json.Nodes.JsonNode.DeepEquals(x, y);
    }

    private static void RemoveHashLabel(System.Text.Json.Nodes.JsonNode? template)
    {
        if (template?["metadata"]?["labels"] is System.Text.Json.Nodes.JsonObject labels)
        {
            labels.Remove(DeploymentAnnotations.PodTemplateHashLabel);
            if (labels.Count == 0 && template["metadata"] is System.Text.Json.Nodes.JsonObject meta)
            {
                meta.Remove("labels");
                if (meta.Count == 0 && template is System.Text.Json.Nodes.JsonObject t)
                {
                    t.Remove("metadata");
                }
            }
        }
    }
}
