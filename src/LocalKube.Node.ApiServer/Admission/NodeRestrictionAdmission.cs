using k8s.Models;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Upstream's NodeRestriction admission for the writes it checks here: a kubelet (<c>system:node:&lt;name&gt;</c> in
/// <c>system:nodes</c>) may write only its own Node and its own Lease in <c>kube-node-lease</c>, create only mirror pods
/// bound to itself, and update only the status of pods bound to itself. RBAC grants every node the <c>system:node</c>
/// role (LocalKube has no Node authorizer), so this is what keeps one node from writing another's objects.
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

        var resource = request.Resource;
        var name = request.Object.Metadata?.Name ?? "";
        var problem = request.Object switch
        {
            V1Node when name != node => $"node \"{node}\" is not allowed to modify node \"{name}\"",
            V1Pod when request.Old is V1Pod old && old.Spec?.NodeName != node =>
                $"node \"{node}\" can only update pod status for pods with spec.nodeName set to itself",
            V1Pod pod when request.Old is null && pod.Metadata?.Annotations?.ContainsKey(MirrorPodAnnotation) != true =>
                $"pod does not have \"{MirrorPodAnnotation}\" annotation, node \"{node}\" can only create mirror pods",
            V1Pod pod when request.Old is null && pod.Spec?.NodeName != node =>
                $"node \"{node}\" can only create pods with spec.nodeName set to itself",
            V1Lease lease when lease.Metadata?.NamespaceProperty == NodeLeaseNamespace && name != node =>
                "can only access node lease with the same name as the requesting node",
            _ => null,
        };
        return problem is null ? Task.CompletedTask : throw StatusException.Forbidden(resource.Group, resource.Plural, name, problem);
    }
}
