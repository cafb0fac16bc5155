using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.Disruption;

/// <summary>
/// Upstream's disruption controller (<c>disruption-controller</c>, k/k <c>pkg/controller/disruption</c>): keeps each
/// PodDisruptionBudget's status (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods and
/// the <c>DisruptionAllowed</c> condition) current over the pods it selects and their controllers' scales
/// (ReplicationController, ReplicaSet or its Deployment, StatefulSet), which the eviction API then honours.
/// </summary>
public sealed class DisruptionController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "disruption-controller";

    private readonly ILister<V1PodDisruptionBudget> _budgets;
    private readonly ILister<V1Pod> _pods;
    private readonly ILister<V1ReplicaSet> _replicaSets;
    private readonly ILister<V1ReplicationController> _replicationControllers;
    private readonly ILister<V1Deployment> _deployments;
    private readonly ILister<V1StatefulSet> _statefulSets;

    /// <summary>Creates the controller.</summary>
    public DisruptionController(ControllerContext context)
        : base(context)
    {
        _budgets = Watch<V1PodDisruptionBudget>(enqueue: true).Lister;
        var pods = Watch<V1Pod>();
        pods.AddEventHandler(ResourceEventHandler<V1Pod>.ForAll(EnqueueBudgetsOf));
        _pods = pods.Lister;
        _replicaSets = WatchScale<V1ReplicaSet>();
        _replicationControllers = WatchScale<V1ReplicationController>();
        _deployments = WatchScale<V1Deployment>();
        _statefulSets = WatchScale<V1StatefulSet>();
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (_budgets.GetByKey(key) is not { } cached || cached.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var ns = cached.Metadata.NamespaceProperty;
        var pods = _pods.List(ns, LabelSelector.FromLabelSelector(cached.Spec?.Selector));
        var now = Time.GetUtcNow().UtcDateTime;
        var computed = DisruptionBudgets.Compute(cached, pods, ScaleOf, now);
        if (pods.Count == 0)
        {
            Recorder.Eventf(cached, null, "Normal", "NoPods", "Sync", "No matching pods found");
        }

        if (computed.Error is { } error)
        {
            Recorder.Eventf(cached, null, "Warning", "CalculateExpectedPodCountFailed", "Sync", "Failed to calculate the number of expected pods: " + error);
        }
        else if (computed.UnmanagedPods.Count > 0)
        {
            // Only counted when the budget needs its pods' scales (maxUnavailable or a percentage minAvailable).
            Recorder.Eventf(cached, null, "Warning", "UnmanagedPods", "Sync",
                $"Pods selected by this PodDisruptionBudget (selector: {LabelSelector.FromLabelSelector(cached.Spec?.Selector)}) were found to be unmanaged. "
                + "As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. "
                + "To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
        }

        if (!DisruptionBudgets.IsCurrent(cached, computed))
        {
            var budget = ModelCopy.Clone(cached);
            budget.Status = DisruptionBudgets.Status(cached, computed, now);
            await Client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetStatusAsync(budget, budget.Metadata.Name, ns, cancellationToken: cancellationToken);
        }

        return computed.RecheckAt is { } at ? ReconcileResult.RequeueAfter(at - now) : ReconcileResult.Done;
    }

    private ILister<T> WatchScale<T>()
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = Watch<T>();
        informer.AddEventHandler(new ResourceEventHandler<T>(onUpdate: (_, o) => EnqueueBudgetsOfOwner(o)));
        return informer.Lister;
    }

    private void EnqueueBudgetsOf(V1Pod pod)
    {
        foreach (var budget in _budgets.List(pod.Metadata.NamespaceProperty))
        {
            if (LabelSelector.FromLabelSelector(budget.Spec?.Selector).Matches(pod.Metadata.Labels))
            {
                Enqueue(budget);
            }
        }
    }

    private void EnqueueBudgetsOfOwner(IKubernetesObject<V1ObjectMeta> owner)
    {
        // A scale change changes expectedPods of every budget over its pods.
        foreach (var budget in _budgets.List(owner.Metadata.NamespaceProperty))
        {
            Enqueue(budget);
        }
    }

    private (string Uid, int Scale)? ScaleOf(V1Pod pod, V1OwnerReference owner)
    {
        var ns = pod.Metadata.NamespaceProperty;
        switch (owner.Kind)
        {
            case "ReplicationController" when _replicationControllers.Get(ns, owner.Name) is { } rc && rc.Metadata.Uid == owner.Uid:
                return (rc.Metadata.Uid, rc.Spec?.Replicas ?? 1);
            case "StatefulSet" when _statefulSets.Get(ns, owner.Name) is { } sts && sts.Metadata.Uid == owner.Uid:
                return (sts.Metadata.Uid, sts.Spec?.Replicas ?? 1);
            case "ReplicaSet" when _replicaSets.Get(ns, owner.Name) is { } rs && rs.Metadata.Uid == owner.Uid:
                var deploymentRef = rs.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "Deployment");
                if (deploymentRef is not null && _deployments.Get(ns, deploymentRef.Name) is { } d && d.Metadata.Uid == deploymentRef.Uid)
                {
                    return (d.Metadata.Uid, d.Spec?.Replicas ?? 1);
                }

                return (rs.Metadata.Uid, rs.Spec?.Replicas ?? 1);
            default:
                return null;
        }
    }
}
