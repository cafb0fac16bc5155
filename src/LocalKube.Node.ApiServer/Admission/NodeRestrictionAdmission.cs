using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Upstream's NodeRestriction admission for the writes it checks here: a kubelet (<c>system:node:&lt;name&gt;</c> in
/// <c>system:nodes</c>) may write only its own Node and its own Lease in <c>kube-node-lease</c>, create only mirror pods
/// bound to itself, and update only the status of pods bound to itself. RBAC grants every node the <c>system:node</c>
/// role (LocalKube has no Node authorizer), so this is what keeps one node from writing or deleting another's objects
/// (<see cref="CheckDelete"/> covers deletes).
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

    /// <summary>The node a user acts for, or null when the user is not a kubelet.</summary>
    public static string? NodeOf(KubeUser? user) =>
        user is not null && user.Name.StartsWith(NodeUserPrefix, StringComparison.Ordinal) && user.Groups.Contains(NodesGroup)
            ? user.Name[NodeUserPrefix.Length..]
            : null;

    /// <inheritdoc />
    public Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (NodeOf(RequestUser.Current) is not { } node)
        {
            return Task.CompletedTask;
        }

        var name = request.Object.Metadata?.Name ?? "";
        var problem = request.Object switch
        {
            V1Node => NodeProblem(node, name),
            V1Pod when request.Old is V1Pod old && old.Spec?.NodeName != node =>
                $"node \"{node}\" can only update pod status for pods with spec.nodeName set to itself",
            V1Pod pod when request.Old is null && pod.Metadata?.Annotations?.ContainsKey(MirrorPodAnnotation) != true =>
                $"pod does not have \"{MirrorPodAnnotation}\" annotation, node \"{node}\" can only create mirror pods",
            V1Pod pod when request.Old is null && pod.Spec?.NodeName != node =>
                $"node \"{node}\" can only create pods with spec.nodeName set to itself",
            V1Lease lease => LeaseProblem(node, lease),
            _ => null,
        };
        return problem is null ? Task.CompletedTask : throw StatusException.Forbidden(request.Resource.Group, request.Resource.Plural, name, problem);
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
            V1Node => NodeProblem(node, name),
            V1Pod pod when pod.Spec?.NodeName != node => $"node \"{node}\" can only delete pods with spec.nodeName set to itself",
            V1Lease lease => LeaseProblem(node, lease),
            _ => null,
        };
        if (problem is not null)
        {
            throw StatusException.Forbidden(resource.Group, resource.Plural, name, problem);
        }
    }

    private static string? NodeProblem(string node, string name) =>
        name == node ? null : $"node \"{node}\" is not allowed to modify node \"{name}\"";

    private static string? LeaseProblem(string node, V1Lease lease) =>
        lease.Metadata?.NamespaceProperty == NodeLeaseNamespace && lease.Metadata.Name != node
            ? "can only access node lease with the same name as the requesting node"
            : null;
}
