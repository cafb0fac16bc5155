using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;

namespace LocalKube.Node.Kubelet.Registration;

/// <summary>
/// The node's heartbeat Lease in <c>kube-node-lease</c> (upstream's node lease controller): held by the node,
/// 40 s long, owned by the Node, renewed every <see cref="RenewInterval"/>.
/// </summary>
public sealed class NodeLease(Kubernetes client, string nodeName, TimeProvider time)
{
    /// <summary>The namespace of node leases.</summary>
    public const string Namespace = "kube-node-lease";

    /// <summary>The lease's duration (upstream's <c>nodeLeaseDurationSeconds</c>).</summary>
    public const int DurationSeconds = 40;

    /// <summary>How often it is renewed: a quarter of its duration, as upstream.</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(DurationSeconds / 4.0);

    /// <summary>Creates the lease, or renews the existing one; returns it as stored.</summary>
    public async Task<V1Lease> EnsureAsync(V1Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            return await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta
                {
                    Name = nodeName,
                    NamespaceProperty = Namespace,
                    OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = nodeName, Uid = node.Metadata.Uid }],
                },
                Spec = new V1LeaseSpec { HolderIdentity = nodeName, LeaseDurationSeconds = DurationSeconds, RenewTime = now },
            }, Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e))
        {
            return await RenewAsync(node, cancellationToken);
        }
    }

    /// <summary>Sets <c>renewTime</c> to now (and repairs holder, duration and owner), retrying conflicts.</summary>
    public async Task<V1Lease> RenewAsync(V1Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        for (var attempt = 1; ; attempt++)
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(nodeName, Namespace, cancellationToken: cancellationToken);
            lease.Spec ??= new V1LeaseSpec();
            lease.Spec.HolderIdentity = nodeName;
            lease.Spec.LeaseDurationSeconds = DurationSeconds;
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            lease.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = nodeName, Uid = node.Metadata.Uid }];
            try
            {
                return await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, nodeName, Namespace, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (KubeErrors.IsConflict(e) && attempt < 5)
            {
                // Changed meanwhile: read again.
            }
        }
    }
}
