using k8s;
using k8s.Models;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Controllers.ReplicaSet;

namespace LocalKube.Node.Controllers.ReplicationController;

/// <summary>The ReplicationController controller (<c>replication-controller</c>): the ReplicaSet logic on RCs.</summary>
public sealed class ReplicationControllerController(ControllerContext context) : ReplicaOwnerController<V1ReplicationController>(context)
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "replication-controller";

    /// <inheritdoc />
    protected override string Kind => "ReplicationController";

    /// <inheritdoc />
    protected override string ApiVersion => "v1";

    /// <inheritdoc />
    protected override V1ReplicaSet View(V1ReplicationController owner) => ReplicationControllerView.ToReplicaSet(owner);

    /// <inheritdoc />
    protected override Task<V1ReplicationController> ReadAsync(string ns, string name, CancellationToken cancellationToken) =>
        Client.CoreV1.ReadNamespacedReplicationControllerAsync(name, ns, cancellationToken: cancellationToken);
}
