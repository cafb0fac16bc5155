using k8s;
using k8s.Models;
using LocalKube.Node.Client.Controllers;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>The ReplicaSet controller (<c>replicaset-controller</c>).</summary>
public sealed class ReplicaSetController(ControllerContext context) : ReplicaOwnerController<V1ReplicaSet>(context)
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "replicaset-controller";

    /// <inheritdoc />
    protected override string Kind => "ReplicaSet";

    /// <inheritdoc />
    protected override string ApiVersion => "apps/v1";

    /// <inheritdoc />
    protected override V1ReplicaSet View(V1ReplicaSet owner) => owner;

    /// <inheritdoc />
    protected override Task<V1ReplicaSet> ReadAsync(string ns, string name, CancellationToken cancellationToken) =>
        Client.AppsV1.ReadNamespacedReplicaSetAsync(name, ns, cancellationToken: cancellationToken);
}
