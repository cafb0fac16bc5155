using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>
/// One sync of one ReplicaSet (<c>syncReplicaSet</c>): create or delete pods toward <c>spec.replicas</c> when the
/// expectations are met, then write the status. ReplicationControllers use it through a ReplicaSet view.
/// </summary>
public sealed class ReplicaSetSync(TimeProvider time)
{
    /// <summary>Upstream's cap of creates or deletes per sync (<c>BurstReplicas</c>).</summary>
    public const int BurstReplicas = 500;

    /// <summary>
    /// Syncs <paramref name="rs"/>. <paramref name="pods"/> are its active, claimed pods; <paramref name="related"/>
    /// the active pods of it and its siblings (for the same-node rank). Returns when to look again, if a pod is
    /// about to become available. Throws the first create or delete error after the status is written.
    /// </summary>
    public Task<TimeSpan?> SyncAsync(V1ReplicaSet rs, V1OwnerReference controllerRef, IReadOnlyList<V1Pod> pods, IReadOnlyList<V1Pod> related, bool expectationsSatisfied, IReplicaSetActions actions, CancellationToken cancellationToken) =>
        SyncAsync(rs, controllerRef, pods, () => related, expectationsSatisfied, actions, cancellationToken);

    /// <summary>
    /// The same with the related pods read only when pods are to be deleted (upstream's
    /// <c>getIndirectlyRelatedPods</c> is called there too): gathering them was a pass over every sibling's pods at
    /// each sync.
    /// </summary>
    public async Task<TimeSpan?> SyncAsync(V1ReplicaSet rs, V1OwnerReference controllerRef, IReadOnlyList<V1Pod> pods, Func<IReadOnlyList<V1Pod>> related, bool expectationsSatisfied, IReplicaSetActions actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rs);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(actions);
        Exception? manageError = null;
        if (expectationsSatisfied && rs.Metadata.DeletionTimestamp is null)
        {
            manageError = await ManageReplicasAsync(rs, controllerRef, pods, related, actions, cancellationToken);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var status = CalculateStatus(rs, pods, manageError, now);
        var updated = rs;
        if (!StatusUnchanged(rs, status))
        {
            status.ObservedGeneration = rs.Metadata.Generation;
            var copy = ModelCopy.Clone(rs);
            copy.Status = status;
            updated = await actions.UpdateStatusAsync(copy, cancellationToken);
        }

        if (manageError is not null)
        {
            throw manageError;
        }

        return NextAvailability(updated, pods, now);
    }

    /// <summary><c>calculateStatus</c>: counts from the pods; ReplicaFailure set on a create/delete error.</summary>
    public static V1ReplicaSetStatus CalculateStatus(V1ReplicaSet rs, IReadOnlyList<V1Pod> pods, Exception? manageError, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(rs);
        var minReady = rs.Spec?.MinReadySeconds ?? 0;
        var templateLabels = (rs.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>()).ToArray();
        int fullyLabeled = 0, ready = 0, available = 0;
        foreach (var pod in pods)
        {
            if (HasLabels(pod.Metadata?.Labels, templateLabels))
            {
                fullyLabeled++;
            }

            if (PodState.IsReady(pod))
            {
                ready++;
                if (PodState.IsAvailable(pod, minReady, now))
                {
                    available++;
                }
            }
        }

        var status = new V1ReplicaSetStatus
        {
            ObservedGeneration = rs.Status?.ObservedGeneration,
            Conditions = rs.Status?.Conditions?.ToList(),
            Replicas = pods.Count,
            FullyLabeledReplicas = fullyLabeled,
            ReadyReplicas = ready,
            AvailableReplicas = available,
        };

        var failure = status.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure");
        if (manageError is not null && failure is null)
        {
            var diff = pods.Count - (rs.Spec?.Replicas ?? 0);
            var reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
            status.Conditions ??= new List<V1ReplicaSetCondition>();
            status.Conditions.Add(new V1ReplicaSetCondition
            {
                Type = "ReplicaFailure",
                Status = "True",
                Reason = reason,
                Message = ApiErrors.Message(manageError),
                LastTransitionTime = Truncate(now),
            });
        }
        else if (manageError is null && failure is not null)
        {
            status.Conditions = status.Conditions!.Where(c => c.Type != "ReplicaFailure").ToList();
        }

        if (status.Conditions is { Count: 0 })
        {
            status.Conditions = null;
        }

        return status;
    }

    // Whether every template label is on the pod (a loop: this runs for every pod of the ReplicaSet at each sync).
    private static bool HasLabels(IDictionary<string, string>? labels, KeyValuePair<string, string>[] template)
    {
        foreach (var (key, value) in template)
        {
            if (labels is null || !labels.TryGetValue(key, out var v) || v != value)
            {
                return false;
            }
        }

        return true;
    }

    private static bool StatusUnchanged(V1ReplicaSet rs, V1ReplicaSetStatus status)
    {
        var old = rs.Status ?? new V1ReplicaSetStatus();
        return old.Replicas == status.Replicas
            && (old.FullyLabeledReplicas ?? 0) == status.FullyLabeledReplicas
            && (old.ReadyReplicas ?? 0) == status.ReadyReplicas
            && (old.AvailableReplicas ?? 0) == status.AvailableReplicas
            && (rs.Metadata.Generation ?? 0) == (old.ObservedGeneration ?? 0)
            && SemanticEquality.Equal(old.Conditions ?? [], status.Conditions ?? []);
    }

    private async Task<Exception?> ManageReplicasAsync(V1ReplicaSet rs, V1OwnerReference controllerRef, IReadOnlyList<V1Pod> pods, Func<IReadOnlyList<V1Pod>> related, IReplicaSetActions actions, CancellationToken ct)
    {
        var diff = pods.Count - (rs.Spec?.Replicas ?? 0);
        if (diff < 0)
        {
            var count = Math.Min(-diff, BurstReplicas);
            actions.ExpectCreations(count);
            var template = rs.Spec!.Template;
            var (successes, error) = await SlowStart.RunAsync(count, async token =>
            {
                try
                {
                    await CreatePodAsync(rs, template, controllerRef, actions, token);
                }
                catch (Exception e) when (ApiErrors.IsNamespaceTerminating(e))
                {
                    // Every create fails in a terminating namespace: nothing to report.
                }
            }, ct);
            for (var i = successes; i < count; i++)
            {
                actions.CreationObserved();
            }

            return error;
        }

        if (diff > 0)
        {
            var count = Math.Min(diff, BurstReplicas);
            var victims = PodRanking.PodsToDelete(pods, related(), count, time.GetUtcNow().UtcDateTime);
            actions.ExpectDeletions(victims.Select(Key).ToList());
            var errors = await Task.WhenAll(victims.Select(async pod =>
            {
                try
                {
                    await actions.DeletePodAsync(pod, ct);
                    actions.Event("Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
                    return null;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    actions.DeletionObserved(Key(pod));
                    if (ApiErrors.IsNotFound(e))
                    {
                        return null;
                    }

                    actions.Event("Warning", "FailedDelete", $"Error deleting: {ApiErrors.Message(e)}");
                    return e;
                }
            }));
            return errors.FirstOrDefault(e => e is not null);
        }

        return null;
    }

    // PodControl.CreatePods: refuse a template without labels; events for success and failure.
    private static async Task CreatePodAsync(V1ReplicaSet rs, V1PodTemplateSpec template, V1OwnerReference controllerRef, IReplicaSetActions actions, CancellationToken ct)
    {
        var pod = PodTemplates.NewPod(template, rs.Metadata.Name, controllerRef);
        if (pod.Metadata.Labels is not { Count: > 0 })
        {
            throw new InvalidOperationException("unable to create pods, no labels");
        }

        try
        {
            var created = await actions.CreatePodAsync(pod, ct);
            actions.Event("Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
        }
        catch (Exception e) when (e is not OperationCanceledException && !ApiErrors.IsNamespaceTerminating(e))
        {
            actions.Event("Warning", "FailedCreate", $"Error creating: {ApiErrors.Message(e)}");
            throw;
        }
    }

    // The earliest moment a Ready pod becomes available, plus a second (upstream requeues on pod updates after
    // minReadySeconds + 1 s).
    private static TimeSpan? NextAvailability(V1ReplicaSet rs, IReadOnlyList<V1Pod> pods, DateTime now)
    {
        var minReady = rs.Spec?.MinReadySeconds ?? 0;
        if (minReady == 0)
        {
            return null;
        }

        TimeSpan? next = null;
        foreach (var pod in pods)
        {
            if (PodState.UntilAvailable(pod, minReady, now) is { } wait && (next is null || wait < next))
            {
                next = wait;
            }
        }

        return next is { } n ? n + TimeSpan.FromSeconds(1) : null;
    }

    /// <summary>The expectation key of a pod: namespace/name.</summary>
    public static string Key(V1Pod pod) => string.Create(CultureInfo.InvariantCulture, $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}");

    private static DateTime Truncate(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
