using k8s.Models;

namespace LocalKube.Node.Controllers.ReplicationController;

/// <summary>
/// A ReplicationController seen as a ReplicaSet and back (upstream runs the ReplicaSet controller's code on RCs
/// through the same conversion): the map selector becomes <c>matchLabels</c>, the status maps field for field.
/// </summary>
public static class ReplicationControllerView
{
    /// <summary>The ReplicaSet view of <paramref name="rc"/> (same metadata object: read it, do not change it).</summary>
    public static V1ReplicaSet ToReplicaSet(V1ReplicationController rc)
    {
        ArgumentNullException.ThrowIfNull(rc);
        var spec = rc.Spec ?? new V1ReplicationControllerSpec();
        var status = rc.Status;
        return new V1ReplicaSet
        {
            ApiVersion = "v1",
            Kind = "ReplicationController",
            Metadata = rc.Metadata,
            Spec = new V1ReplicaSetSpec
            {
                Replicas = spec.Replicas,
                MinReadySeconds = spec.MinReadySeconds,
                Selector = new V1LabelSelector { MatchLabels = spec.Selector is { } s ? new Dictionary<string, string>(s) : null },
                Template = spec.Template,
            },
            Status = status is null ? null : new V1ReplicaSetStatus
            {
                Replicas = status.Replicas,
                FullyLabeledReplicas = status.FullyLabeledReplicas,
                ReadyReplicas = status.ReadyReplicas,
                AvailableReplicas = status.AvailableReplicas,
                ObservedGeneration = status.ObservedGeneration,
                Conditions = status.Conditions?.Select(c => new V1ReplicaSetCondition
                {
                    Type = c.Type,
                    Status = c.Status,
                    Reason = c.Reason,
                    Message = c.Message,
                    LastTransitionTime = c.LastTransitionTime,
                }).ToList(),
            },
        };
    }

    /// <summary>The RC status for a ReplicaSet view's status.</summary>
    public static V1ReplicationControllerStatus ToStatus(V1ReplicaSetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new V1ReplicationControllerStatus
        {
            Replicas = status.Replicas,
            FullyLabeledReplicas = status.FullyLabeledReplicas,
            ReadyReplicas = status.ReadyReplicas,
            AvailableReplicas = status.AvailableReplicas,
            ObservedGeneration = status.ObservedGeneration,
            Conditions = status.Conditions?.Select(c => new V1ReplicationControllerCondition
            {
                Type = c.Type,
                Status = c.Status,
                Reason = c.Reason,
                Message = c.Message,
                LastTransitionTime = c.LastTransitionTime,
            }).ToList(),
        };
    }
}
