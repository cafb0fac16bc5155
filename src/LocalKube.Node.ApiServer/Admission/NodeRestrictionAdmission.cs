using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Upstream's NodeRestriction admission: a kubelet (<c>system:node:&lt;name&gt;</c> in <c>system:nodes</c>) may write
/// only its own Node (never its taints, a config source, or labels outside <see cref="NodeLabels"/>), its own Lease in
/// <c>kube-node-lease</c>, mirror pods bound to and owned by itself that reference no other object, and the status of
/// pods bound to itself (not their labels); it may delete or evict only pods bound to itself and ask for tokens only
/// when bound to such a pod. The <see cref="NodeAuthorizer"/> decides what it may reach at all; this checks the objects.
/// </summary>
public sealed class NodeRestrictionAdmission : IAdmissionHook
{
    /// <summary>The group every kubelet is in.</summary>
    public const string NodesGroup = "system:nodes";

    /// <summary>The user-name prefix of a kubelet.</summary>
    public const string NodeUserPrefix = "system:node:";

    /// <summary>The annotation that marks a mirror pod.</summary>
    public const string MirrorPodAnnotation = "kubernetes.io/config.mirror";

    /// <summary>The namespace of node leases.</summary>
    public const string NodeLeaseNamespace = "kube-node-lease";

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) =>
        (group.Length == 0 && kind is "Node" or "Pod") || (group == "coordination.k8s.io" && kind == "Lease");

    /// <summary>The node a user acts for (empty when its name carries none), or null when the user is not a kubelet.</summary>
    public static string? NodeOf(KubeUser? user) =>
        user is not null && user.Name.StartsWith(NodeUserPrefix, StringComparison.Ordinal) && user.Groups.Contains(NodesGroup)
            ? user.Name[NodeUserPrefix.Length..]
            : null;

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = RequestUser.Current;
        if (NodeOf(user) is not { } node)
        {
            return;
        }

        var name = request.Object.Metadata?.Name ?? "";
        var problem = node.Length == 0
            ? $"could not determine node from user {RbacAuthorizer.GoQuote(user!.Name)}"
            : request.Object switch
            {
                V1Node created when request.Old is null => NodeCreateProblem(node, created),
                V1Node updated => NodeUpdateProblem(node, updated, (V1Node)request.Old!),
                V1Pod updated when request.Old is V1Pod old => PodStatusProblem(node, updated, old),
                V1Pod created => await PodCreateProblemAsync(node, created, request.Store, cancellationToken),
                V1Lease lease => LeaseProblem(node, lease),
                _ => null,
            };
        if (problem is not null)
        {
            throw StatusException.Forbidden(request.Resource.Group, request.Resource.Plural, name, problem);
        }
    }

    /// <summary>
    /// The delete half (admission hooks see creates and updates only): a kubelet may delete only pods bound to itself,
    /// its own Node and its own Lease.
    /// </summary>
    /// <exception cref="StatusException">403 when the caller is a kubelet and the object is not its own.</exception>
    public static void CheckDelete(RestResource resource, IKubernetesObject<V1ObjectMeta> stored)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(stored);
        if (NodeOf(RequestUser.Current) is not { } node)
        {
            return;
        }

        var name = stored.Metadata?.Name ?? "";
        var problem = stored switch
        {
            V1Node => NodeNameProblem(node, name),
            V1Pod pod when pod.Spec?.NodeName != node => $"node \"{node}\" can only delete pods with spec.nodeName set to itself",
            V1Lease lease => LeaseProblem(node, lease),
            _ => null,
        };
        if (problem is not null)
        {
            throw StatusException.Forbidden(resource.Group, resource.Plural, name, problem);
        }
    }

    /// <summary>A kubelet may evict only pods bound to itself.</summary>
    /// <exception cref="StatusException">403 when the caller is a kubelet and the pod is bound elsewhere.</exception>
    public static void CheckEviction(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (NodeOf(RequestUser.Current) is { } node && pod.Spec?.NodeName != node)
        {
            throw StatusException.Forbidden("", "pods", pod.Metadata?.Name ?? "", $"node {node} can only evict pods with spec.nodeName set to itself");
        }
    }

    /// <summary>
    /// A kubelet's TokenRequest must be bound to a pod (by name and uid) that is scheduled on the kubelet's node.
    /// </summary>
    /// <param name="node">The kubelet's node.</param>
    /// <param name="serviceAccount">The service account.</param>
    /// <param name="bound">The request's bound object.</param>
    /// <param name="getPod">Reads a pod of the service account's namespace by name (null when there is none).</param>
    /// <exception cref="StatusException">403 with upstream's reason, or 404 when the pod does not exist.</exception>
    public static async Task CheckTokenRequestAsync(string node, string serviceAccount, V1BoundObjectReference? bound, Func<string, Task<StoredObject?>> getPod)
    {
        ArgumentNullException.ThrowIfNull(getPod);
        StatusException Refuse(string why) => StatusException.Forbidden("", "serviceaccounts", serviceAccount, why);
        if (bound is null || bound.ApiVersion != "v1" || bound.Kind != "Pod" || string.IsNullOrEmpty(bound.Name))
        {
            throw Refuse("node requested token not bound to a pod");
        }

        if (string.IsNullOrEmpty(bound.Uid))
        {
            throw Refuse("node requested token with a pod binding without a uid");
        }

        var pod = (await getPod(bound.Name))?.Object as V1Pod ?? throw StatusException.NotFound("", "pods", bound.Name);
        if (pod.Metadata.Uid != bound.Uid)
        {
            throw Refuse($"the UID in the bound object reference ({bound.Uid}) does not match the UID in record. The object might have been deleted and then recreated");
        }

        if (pod.Spec?.NodeName != node)
        {
            throw Refuse("node requested token bound to a pod scheduled on a different node");
        }
    }

    private static string? NodeNameProblem(string node, string name) =>
        name == node ? null : $"node \"{node}\" is not allowed to modify node \"{name}\"";

    private static string? NodeCreateProblem(string node, V1Node created)
    {
        if (NodeNameProblem(node, created.Metadata?.Name ?? "") is { } problem)
        {
            return problem;
        }

        // A config source would widen what the node may read; labels outside the kubelet's set would let it steer
        // workloads meant for other nodes to itself.
        if (created.Spec?.ConfigSource is not null)
        {
            return $"node \"{node}\" is not allowed to create pods with a non-nil configSource";
        }

        var forbidden = NodeLabels.Forbidden(NodeLabels.Modified(created.Metadata?.Labels, null));
        return forbidden.Count > 0 ? $"node \"{node}\" is not allowed to set the following labels: {string.Join(", ", forbidden)}" : null;
    }

    private static string? NodeUpdateProblem(string node, V1Node updated, V1Node old)
    {
        if (NodeNameProblem(node, updated.Metadata?.Name ?? "") is { } problem)
        {
            return problem;
        }

        if (updated.Spec?.ConfigSource is not null && !Json.SemanticEquals(updated.Spec.ConfigSource, old.Spec?.ConfigSource))
        {
            return $"node \"{node}\" is not allowed to update configSource to a new non-nil configSource";
        }

        // Empty and absent compare equal, as upstream's semantic equality.
        if (!Json.SemanticEquals(NullIfEmpty(updated.Spec?.Taints), NullIfEmpty(old.Spec?.Taints)))
        {
            return $"node \"{node}\" is not allowed to modify taints";
        }

        var forbidden = NodeLabels.Forbidden(NodeLabels.Modified(updated.Metadata?.Labels, old.Metadata?.Labels));
        return forbidden.Count > 0 ? $"is not allowed to modify labels: {string.Join(", ", forbidden)}" : null;
    }

    // Only pods/status updates reach here from a kubelet: the node authorizer lets it update nothing else of a pod.
    private static string? PodStatusProblem(string node, V1Pod updated, V1Pod old)
    {
        if (old.Spec?.NodeName != node)
        {
            return $"node \"{node}\" can only update pod status for pods with spec.nodeName set to itself";
        }

        if (NodeLabels.Modified(updated.Metadata?.Labels, old.Metadata?.Labels).Count > 0)
        {
            return $"node \"{node}\" cannot update labels through pod status";
        }

        return ClaimStatusesEqual(updated.Status?.ResourceClaimStatuses, old.Status?.ResourceClaimStatuses)
            ? null
            : $"node \"{node}\" cannot update resource claim statues";
    }

    private static async Task<string?> PodCreateProblemAsync(string node, V1Pod pod, ResourceStore store, CancellationToken cancellationToken)
    {
        if (pod.Metadata?.Annotations?.ContainsKey(MirrorPodAnnotation) != true)
        {
            return $"pod does not have \"{MirrorPodAnnotation}\" annotation, node \"{node}\" can only create mirror pods";
        }

        if (pod.Spec?.NodeName != node)
        {
            return $"node \"{node}\" can only create pods with spec.nodeName set to itself";
        }

        if (MirrorOwnerProblem(node, pod.Metadata.OwnerReferences) is { } ownerProblem)
        {
            return ownerProblem;
        }

        var owner = pod.Metadata.OwnerReferences[0];
        var nodes = store.Resources.FindKind("", "Node");
        var stored = nodes is null ? null : await store.TryGetAsync(nodes, null, node, cancellationToken);
        if (stored is null)
        {
            throw StatusException.NotFound("", "nodes", node);
        }

        if (owner.Uid != stored.Object.Metadata.Uid)
        {
            return $"node {node} UID mismatch: expected {owner.Uid} got {stored.Object.Metadata.Uid}";
        }

        // A mirror pod may reference no other object: the node could otherwise read it through the graph.
        var references = NodeGraphReferences.OfPod(pod);
        if (!string.IsNullOrEmpty(pod.Spec.ServiceAccountName))
        {
            return $"node \"{node}\" can not create pods that reference a service account";
        }

        if (references.Any(r => r.Kind == NodeGraphKind.Secret))
        {
            return $"node \"{node}\" can not create pods that reference secrets";
        }

        if (references.Any(r => r.Kind == NodeGraphKind.ConfigMap))
        {
            return $"node \"{node}\" can not create pods that reference configmaps";
        }

        var volumes = pod.Spec.Volumes ?? [];
        if (volumes.Any(v => v.Projected?.Sources?.Any(s => s.ClusterTrustBundle is not null) == true))
        {
            return $"node \"{node}\" can not create pods that reference clustertrustbundles";
        }

        return volumes.Any(v => v.PersistentVolumeClaim is not null) ? $"node \"{node}\" can not create pods that reference persistentvolumeclaims" : null;
    }

    private static string? MirrorOwnerProblem(string node, IList<V1OwnerReference>? owners)
    {
        switch (owners?.Count ?? 0)
        {
            case 0:
                return $"node \"{node}\" can only create pods with an owner reference set to itself";
            case > 1:
                return $"node \"{node}\" can only create pods with a single owner reference set to itself";
        }

        var owner = owners![0];
        if (owner.ApiVersion != "v1" || owner.Kind != "Node" || owner.Name != node)
        {
            return $"node \"{node}\" can only create pods with an owner reference set to itself";
        }

        if (owner.Controller != true)
        {
            return $"node \"{node}\" can only create pods with a controller owner reference set to itself";
        }

        return owner.BlockOwnerDeletion == true ? $"node \"{node}\" must not set blockOwnerDeletion on an owner reference" : null;
    }

    private static string? LeaseProblem(string node, V1Lease lease)
    {
        if (lease.Metadata?.NamespaceProperty != NodeLeaseNamespace)
        {
            return $"can only access leases in the \"{NodeLeaseNamespace}\" system namespace";
        }

        return lease.Metadata.Name != node ? "can only access node lease with the same name as the requesting node" : null;
    }

    private static bool ClaimStatusesEqual(IList<V1PodResourceClaimStatus>? a, IList<V1PodResourceClaimStatus>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        for (var i = 0; i < (a?.Count ?? 0); i++)
        {
            if (a![i].Name != b![i].Name || a[i].ResourceClaimName != b[i].ResourceClaimName)
            {
                return false;
            }
        }

        return true;
    }

    private static IList<V1Taint>? NullIfEmpty(IList<V1Taint>? taints) => taints is { Count: > 0 } ? taints : null;
}
