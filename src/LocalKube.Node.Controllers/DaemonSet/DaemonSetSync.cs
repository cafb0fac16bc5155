using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>
/// One sync of one DaemonSet (<c>syncDaemonSet</c>): revisions, one pod per eligible node (pinned with
/// <c>matchFields</c>, bound by the scheduler), failed pods killed with backoff, the rolling update (with or
/// without surge), history cleanup and the status.
/// </summary>
public sealed partial class DaemonSetSync(IDaemonSetActions actions, FailedPodBackoff failedPods, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Syncs <paramref name="ds"/> over <paramref name="nodes"/> with its claimed pods and revisions. Returns when
    /// to look again (failed-pod backoff, minReadySeconds), if needed.
    /// </summary>
    public async Task<TimeSpan?> SyncAsync(V1DaemonSet ds, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> pods, IReadOnlyList<V1ControllerRevision> revisions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ds = ModelCopy.Clone(ds);
        var (current, old) = await ConstructHistoryAsync(ds, revisions.ToList(), ct);
        var hash = current.Metadata.Labels is { } l && l.TryGetValue(DaemonPods.RevisionLabel, out var h) ? h : "";
        if (!actions.ExpectationsSatisfied() || ds.Metadata.DeletionTimestamp is not null)
        {
            return await UpdateStatusAsync(ds, nodes, pods, hash, observedGeneration: false, ct);
        }

        Exception? error = null;
        TimeSpan? requeue = null;
        try
        {
            requeue = await ManageAsync(ds, nodes, pods, hash, ct);
            if (actions.ExpectationsSatisfied() && (ds.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate")
            {
                await RollingUpdateAsync(ds, nodes, pods, hash, ct);
            }

            await CleanupHistoryAsync(ds, pods, old, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = e;
        }

        var statusRequeue = await UpdateStatusAsync(ds, nodes, pods, hash, observedGeneration: true, ct);
        if (error is not null)
        {
            throw error;
        }

        return requeue is null ? statusRequeue : statusRequeue is null ? requeue : (requeue < statusRequeue ? requeue : statusRequeue);
    }

    // Pods by target node (scheduled or pinned), terminal deleted pods left out.
    private static Dictionary<string, List<V1Pod>> PodsByNode(IReadOnlyList<V1Pod> pods, bool includeDeletedTerminal = false)
    {
        var map = new Dictionary<string, List<V1Pod>>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!includeDeletedTerminal && PodState.IsTerminating(pod) && PodState.IsTerminal(pod))
            {
                continue;
            }

            if (DaemonPods.TargetNode(pod) is not { } node)
            {
                continue;
            }

            if (!map.TryGetValue(node, out var list))
            {
                map[node] = list = [];
            }

            list.Add(pod);
        }

        return map;
    }

    private async Task<TimeSpan?> ManageAsync(V1DaemonSet ds, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> pods, string hash, CancellationToken ct)
    {
        var byNode = PodsByNode(pods);
        var needing = new List<string>();
        var toDelete = new List<V1Pod>();
        TimeSpan? requeue = null;
        foreach (var node in nodes)
        {
            var (shouldRun, shouldContinue) = NodeEligibility.Evaluate(node, ds);
            var exists = byNode.TryGetValue(node.Metadata.Name, out var daemonPods);
            if (shouldRun && !exists)
            {
                needing.Add(node.Metadata.Name);
            }
            else if (shouldContinue)
            {
                var running = new List<V1Pod>();
                foreach (var pod in daemonPods ?? [])
                {
                    if (PodState.IsTerminating(pod))
                    {
                        continue;
                    }

                    var phase = PodState.Phase(pod);
                    if (phase == "Failed")
                    {
                        var key = $"{ds.Metadata.Uid}/{node.Metadata.Name}";
                        if (failedPods.InBackoff(key, out var delay))
                        {
                            requeue = requeue is null || delay < requeue ? delay : requeue;
                            continue;
                        }

                        failedPods.Next(key);
                        actions.Event(ds, "Warning", "FailedDaemonPod", $"Found failed daemon pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} on node {node.Metadata.Name}, will try to kill it");
                        toDelete.Add(pod);
                    }
                    else if (phase == "Succeeded")
                    {
                        toDelete.Add(pod);
                    }
                    else
                    {
                        running.Add(pod);
                    }
                }

                PruneExcess(ds, running, shouldRun, hash, node.Metadata.Name, needing, toDelete);
            }
            else if (exists)
            {
                toDelete.AddRange((daemonPods ?? []).Where(p => !PodState.IsTerminating(p)));
            }
        }

        // Unscheduled pods pinned to nodes that no longer exist would never be scheduled, nor collected.
        var names = nodes.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (node, list) in byNode)
        {
            if (!names.Contains(node))
            {
                toDelete.AddRange(list.Where(p => string.IsNullOrEmpty(p.Spec?.NodeName) && !PodState.IsTerminating(p)));
            }
        }

        await SyncNodesAsync(ds, toDelete, needing, hash, ct);
        return requeue;
    }

    // One running pod per node without surge (the oldest stays); with surge an old ready pod may wait for its
    // replacement to become available.
    private void PruneExcess(V1DaemonSet ds, List<V1Pod> running, bool shouldRun, string hash, string node, List<string> needing, List<V1Pod> toDelete)
    {
        running.Sort(DaemonPods.ByCreationScheduledFirst);
        if (!AllowsSurge(ds))
        {
            toDelete.AddRange(running.Skip(1));
            return;
        }

        if (running.Count <= 1)
        {
            if (running.Count == 0 && shouldRun)
            {
                needing.Add(node);
            }

            return;
        }

        V1Pod? oldestNew = null;
        V1Pod? oldestOld = null;
        foreach (var pod in running)
        {
            var isNew = pod.Metadata.Labels is { } l && l.TryGetValue(DaemonPods.RevisionLabel, out var h) && h == hash;
            if (isNew && oldestNew is null)
            {
                oldestNew = pod;
            }
            else if (!isNew && oldestOld is null)
            {
                oldestOld = pod;
            }
            else
            {
                toDelete.Add(pod);
            }
        }

        if (oldestNew is not null && oldestOld is not null
            && (!PodState.IsReady(oldestOld) || PodState.IsAvailable(oldestNew, ds.Spec.MinReadySeconds ?? 0, Now)))
        {
            toDelete.Add(oldestOld);
        }
    }

    /// <summary>Whether the rolling update may surge (maxSurge set and not 0).</summary>
    public static bool AllowsSurge(V1DaemonSet ds) =>
        (ds.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate"
        && IntOrPercent.Scaled(ds.Spec.UpdateStrategy?.RollingUpdate?.MaxSurge, 1, roundUp: true) != 0;

    // syncNodes: deletes, then creates in slow-start batches, each pod pinned to its node.
    private async Task SyncNodesAsync(V1DaemonSet ds, List<V1Pod> toDelete, List<string> nodesNeeding, string hash, CancellationToken ct)
    {
        var creates = Math.Min(nodesNeeding.Count, 500);
        var deletes = Math.Min(toDelete.Count, 500);
        actions.ExpectCreations(creates);
        actions.ExpectDeletions(toDelete.Take(deletes).Select(Key).ToList());
        var template = DaemonPods.Template(ds, hash);
        var next = 0;
        Exception? error = null;
        var (successes, createError) = await SlowStart.RunAsync(creates, async token =>
        {
            var node = nodesNeeding[Interlocked.Increment(ref next) - 1];
            var podTemplate = ModelCopy.Clone(template);
            podTemplate.Spec.Affinity = DaemonPods.PinToNode(podTemplate.Spec.Affinity, node);
            var pod = PodTemplates.NewPod(podTemplate, ds.Metadata.Name, ControllerRefs.For(ds, "apps/v1", "DaemonSet"));
            try
            {
                var created = await actions.CreatePodAsync(pod, token);
                actions.Event(ds, "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            }
            catch (Exception e) when (ApiErrors.IsNamespaceTerminating(e))
            {
                // Every create fails in a terminating namespace.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                actions.Event(ds, "Warning", "FailedCreate", $"Error creating: {ApiErrors.Message(e)}");
                throw;
            }
        }, ct);
        for (var i = successes; i < creates; i++)
        {
            actions.CreationObserved();
        }

        error ??= createError;
        var results = await Task.WhenAll(toDelete.Take(deletes).Select(async pod =>
        {
            try
            {
                await actions.DeletePodAsync(pod, ct);
                actions.Event(ds, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                actions.DeletionObserved(Key(pod));
                if (ApiErrors.IsNotFound(e))
                {
                    return null;
                }

                actions.Event(ds, "Warning", "FailedDelete", $"Error deleting: {ApiErrors.Message(e)}");
                return e;
            }
        }));
        error ??= results.FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            throw error;
        }
    }

    private static string Key(V1Pod pod) => string.Create(CultureInfo.InvariantCulture, $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}");

    private async Task<TimeSpan?> UpdateStatusAsync(V1DaemonSet ds, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> pods, string hash, bool observedGeneration, CancellationToken ct)
    {
        var byNode = PodsByNode(pods);
        int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        var generation = DaemonPods.TemplateGeneration(ds);
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = NodeEligibility.Evaluate(node, ds);
            var scheduled = byNode.TryGetValue(node.Metadata.Name, out var list) && list.Count > 0;
            if (!shouldRun)
            {
                misscheduled += scheduled ? 1 : 0;
                continue;
            }

            desired++;
            if (!scheduled)
            {
                continue;
            }

            current++;
            list!.Sort(DaemonPods.ByCreationScheduledFirst);
            var pod = list[0];
            if (PodState.IsReady(pod))
            {
                ready++;
                if (PodState.IsAvailable(pod, minReady, Now))
                {
                    available++;
                }
            }

            if (DaemonPods.IsUpdated(pod, hash, generation))
            {
                updated++;
            }
        }

        var s = ds.Status ?? new V1DaemonSetStatus();
        var observed = observedGeneration ? ds.Metadata.Generation : s.ObservedGeneration;
        var unchanged = s.DesiredNumberScheduled == desired && s.CurrentNumberScheduled == current && s.NumberMisscheduled == misscheduled
            && s.NumberReady == ready && (s.UpdatedNumberScheduled ?? 0) == updated && (s.NumberAvailable ?? 0) == available
            && (s.NumberUnavailable ?? 0) == desired - available && (s.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0);
        if (!unchanged)
        {
            ds.Status = new V1DaemonSetStatus
            {
                DesiredNumberScheduled = desired,
                CurrentNumberScheduled = current,
                NumberMisscheduled = misscheduled,
                NumberReady = ready,
                UpdatedNumberScheduled = updated,
                NumberAvailable = available,
                NumberUnavailable = desired - available,
                ObservedGeneration = observed,
                CollisionCount = s.CollisionCount,
                Conditions = s.Conditions,
            };
            await actions.UpdateStatusAsync(ds, ct);
        }

        return minReady > 0 && ready != available ? TimeSpan.FromSeconds(minReady) : null;
    }
}
