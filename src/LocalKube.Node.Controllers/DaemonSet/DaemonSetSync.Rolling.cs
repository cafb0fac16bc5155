using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>The DaemonSet rolling update (<c>update.go rollingUpdate</c>).</summary>
public sealed partial class DaemonSetSync
{
    private async Task RollingUpdateAsync(V1DaemonSet ds, IReadOnlyList<V1Node> nodes, IReadOnlyList<V1Pod> pods, string hash, CancellationToken ct)
    {
        var byNode = PodsByNode(pods);
        var desired = 0;
        foreach (var node in nodes)
        {
            if (NodeEligibility.Evaluate(node, ds).ShouldRun)
            {
                desired++;
                byNode.TryAdd(node.Metadata.Name, []);
            }
        }

        var ru = ds.Spec.UpdateStrategy?.RollingUpdate;
        var maxUnavailable = IntOrPercent.Scaled(ru?.MaxUnavailable, desired, roundUp: true, fallback: 1);
        var maxSurge = IntOrPercent.Scaled(ru?.MaxSurge, desired, roundUp: true);
        if (desired > 0 && maxUnavailable == 0 && maxSurge == 0)
        {
            maxUnavailable = 1;
        }

        var generation = DaemonPods.TemplateGeneration(ds);
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var now = Now;
        if (maxSurge == 0)
        {
            var unavailable = 0;
            var replacements = new List<V1Pod>();
            var candidates = new List<V1Pod>();
            foreach (var (_, list) in byNode.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!FindUpdated(list, hash, generation, out var newPod, out var oldPod))
                {
                    unavailable++;
                    continue;
                }

                if ((oldPod is null && newPod is null) || (oldPod is not null && newPod is not null))
                {
                    unavailable++;
                }
                else if (newPod is not null)
                {
                    unavailable += PodState.IsAvailable(newPod, minReady, now) ? 0 : 1;
                }
                else if (!PodState.IsAvailable(oldPod!, minReady, now))
                {
                    replacements.Add(oldPod!);
                    unavailable++;
                }
                else if (unavailable < maxUnavailable)
                {
                    candidates.Add(oldPod!);
                }
            }

            var remaining = Math.Clamp(maxUnavailable - unavailable, 0, candidates.Count);
            await SyncNodesAsync(ds, [.. replacements, .. candidates.Take(remaining)], [], hash, ct);
            return;
        }

        var toDelete = new List<V1Pod>();
        var shouldNotRun = new List<V1Pod>();
        var candidateNodes = new List<string>();
        var allowedNodes = new List<string>();
        var surge = 0;
        var availableCount = 0;
        var nodeByName = nodes.ToDictionary(n => n.Metadata.Name, StringComparer.Ordinal);
        foreach (var (nodeName, list) in byNode.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!FindUpdated(list, hash, generation, out var newPod, out var oldPod))
            {
                surge++;
                continue;
            }

            if (oldPod is not null ? PodState.IsAvailable(oldPod, minReady, now) : newPod is not null && PodState.IsAvailable(newPod, minReady, now))
            {
                availableCount++;
            }

            if (oldPod is null)
            {
                continue;
            }

            var shouldRun = nodeByName.TryGetValue(nodeName, out var node) && NodeEligibility.Evaluate(node, ds).ShouldRun;
            if (newPod is null)
            {
                if (!PodState.IsAvailable(oldPod, minReady, now))
                {
                    if (!shouldRun)
                    {
                        toDelete.Add(oldPod);
                        continue;
                    }

                    allowedNodes.Add(nodeName);
                }
                else if (!shouldRun)
                {
                    shouldNotRun.Add(oldPod);
                }
                else if (surge < maxSurge)
                {
                    candidateNodes.Add(nodeName);
                }
            }
            else if (!PodState.IsAvailable(newPod, minReady, now))
            {
                surge++;
            }
            else
            {
                toDelete.Add(oldPod);
            }
        }

        // Keep the application available: pods on nodes that lost eligibility go only as others become available.
        var deletable = Math.Min(availableCount - desired, shouldNotRun.Count);
        if (deletable > 0)
        {
            toDelete.AddRange(shouldNotRun.Take(deletable));
        }

        var remainingSurge = Math.Clamp(maxSurge - surge, 0, candidateNodes.Count);
        await SyncNodesAsync(ds, toDelete, [.. allowedNodes, .. candidateNodes.Take(remainingSurge)], hash, ct);
    }

    // findUpdatedPodsOnNode: at most one new and one old pod (deleting ones ignored), else false.
    private static bool FindUpdated(List<V1Pod> pods, string hash, string? generation, out V1Pod? newPod, out V1Pod? oldPod)
    {
        newPod = null;
        oldPod = null;
        foreach (var pod in pods)
        {
            if (PodState.IsTerminating(pod))
            {
                continue;
            }

            if (DaemonPods.IsUpdated(pod, hash, generation))
            {
                if (newPod is not null)
                {
                    return false;
                }

                newPod = pod;
            }
            else
            {
                if (oldPod is not null)
                {
                    return false;
                }

                oldPod = pod;
            }
        }

        return true;
    }
}
