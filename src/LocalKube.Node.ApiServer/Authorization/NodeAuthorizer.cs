using k8s.Models;
using LocalKube.Node.ApiServer.Admission;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's node authorizer (<c>--authorization-mode=Node,RBAC</c>, with 1.32's AuthorizeNodeWithSelectors): a
/// kubelet (<c>system:node:&lt;name&gt;</c> in <c>system:nodes</c>) may read a Secret, ConfigMap, PVC, PV,
/// ResourceClaim or VolumeAttachment, or create a ServiceAccount token, only when the <see cref="NodeGraph"/> relates
/// it to its node; it may read only its own Node, its own pods (or list them by <c>spec.nodeName</c>) and its own
/// Lease. Everything else is judged against the static <c>system:node</c> rules. It never denies outright: a request
/// it does not allow goes on to RBAC with its reason (no binding grants kubelets the <c>system:node</c> role).
/// </summary>
public sealed class NodeAuthorizer(NodeGraph graph)
{
    private static readonly IReadOnlyList<V1PolicyRule> Rules = BootstrapPolicy.NodeRules();

    /// <summary>The graph this authorizer follows.</summary>
    public NodeGraph Graph => graph;

    /// <summary>
    /// Whether the user is a kubelet, and which node it acts for (empty when the name carries none): a user named
    /// <c>system:node:*</c> in the group <c>system:nodes</c>.
    /// </summary>
    public static bool IsNode(KubeUser user, out string node)
    {
        ArgumentNullException.ThrowIfNull(user);
        node = NodeRestrictionAdmission.NodeOf(user) ?? "";
        return user.Name.StartsWith(NodeRestrictionAdmission.NodeUserPrefix, StringComparison.Ordinal)
            && user.Groups.Contains(NodeRestrictionAdmission.NodesGroup);
    }

    /// <summary>Allowed, or no opinion with the reason (empty when the request is not a kubelet's).</summary>
    public AuthorizationDecision Authorize(RequestAttributes a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (!IsNode(a.User, out var node))
        {
            return NoOpinion("");
        }

        if (node.Length == 0)
        {
            return NoOpinion($"unknown node for user {RbacAuthorizer.GoQuote(a.User.Name)}");
        }

        if (a.IsResourceRequest)
        {
            switch (a.ApiGroup, a.Resource)
            {
                case ("", "secrets"):
                    return ReadNamespaced(node, NodeGraphKind.Secret, a);
                case ("", "configmaps"):
                    return ReadNamespaced(node, NodeGraphKind.ConfigMap, a);
                case ("", "persistentvolumeclaims"):
                    return a.Subresource == "status" ? StatusUpdate(node, NodeGraphKind.PersistentVolumeClaim, a) : Get(node, NodeGraphKind.PersistentVolumeClaim, a);
                case ("", "persistentvolumes"):
                    return Get(node, NodeGraphKind.PersistentVolume, a);
                case ("resource.k8s.io", "resourceclaims"):
                    return Get(node, NodeGraphKind.ResourceClaim, a);
                case ("storage.k8s.io", "volumeattachments"):
                    return Get(node, NodeGraphKind.VolumeAttachment, a);
                case ("", "serviceaccounts"):
                    return CreateToken(node, a);
                case ("coordination.k8s.io", "leases"):
                    return Lease(node, a);
                case ("storage.k8s.io", "csinodes"):
                    return CsiNode(node, a);
                case ("", "nodes"):
                    return Node(node, a);
                case ("", "pods"):
                    return Pod(node, a);
            }
        }

        foreach (var rule in Rules)
        {
            if (RuleMatching.Allows(a, rule))
            {
                return Allow;
            }
        }

        return NoOpinion("");
    }

    private static AuthorizationDecision Allow => new(true, "");

    private static AuthorizationDecision NoOpinion(string reason) => new(false, reason);

    private static string NoRelationship(string node) => $"no relationship found between node '{node}' and this object";

    private AuthorizationDecision ReadNamespaced(string node, NodeGraphKind kind, RequestAttributes a)
    {
        if (a.Verb is not ("get" or "list" or "watch"))
        {
            return NoOpinion("can only read resources of this type");
        }

        if (a.Subresource.Length > 0)
        {
            return NoOpinion("cannot read subresource");
        }

        return a.Namespace.Length == 0 ? NoOpinion("can only read namespaced object of this type") : Related(node, kind, a);
    }

    private AuthorizationDecision Get(string node, NodeGraphKind kind, RequestAttributes a)
    {
        if (a.Verb != "get")
        {
            return NoOpinion("can only get individual resources of this type");
        }

        return a.Subresource.Length > 0 ? NoOpinion("cannot get subresource") : Related(node, kind, a);
    }

    private AuthorizationDecision StatusUpdate(string node, NodeGraphKind kind, RequestAttributes a)
    {
        if (a.Verb is not ("update" or "patch"))
        {
            return NoOpinion("can only get/update/patch this type");
        }

        return a.Subresource != "status" ? NoOpinion("can only update status subresource") : Related(node, kind, a);
    }

    private AuthorizationDecision Related(string node, NodeGraphKind kind, RequestAttributes a)
    {
        if (a.Name.Length == 0)
        {
            return NoOpinion("No Object name found");
        }

        return graph.HasPath(node, new NodeGraphVertex(kind, a.Namespace, a.Name)) ? Allow : NoOpinion(NoRelationship(node));
    }

    private AuthorizationDecision CreateToken(string node, RequestAttributes a)
    {
        if (a.Verb != "create" || a.Name.Length == 0)
        {
            return NoOpinion("can only create tokens for individual service accounts");
        }

        if (a.Subresource != "token")
        {
            return NoOpinion("can only create token subresource of serviceaccount");
        }

        return graph.HasPath(node, new NodeGraphVertex(NodeGraphKind.ServiceAccount, a.Namespace, a.Name)) ? Allow : NoOpinion(NoRelationship(node));
    }

    private static AuthorizationDecision Lease(string node, RequestAttributes a)
    {
        if (a.Verb is not ("get" or "create" or "update" or "patch" or "delete"))
        {
            return NoOpinion("can only get, create, update, patch, or delete a node lease");
        }

        if (a.Namespace != NodeRestrictionAdmission.NodeLeaseNamespace)
        {
            return NoOpinion($"can only access leases in the \"{NodeRestrictionAdmission.NodeLeaseNamespace}\" system namespace");
        }

        // A create names no object in its URL; NodeRestriction checks the name in the body.
        return a.Verb != "create" && a.Name != node ? NoOpinion("can only access node lease with the same name as the requesting node") : Allow;
    }

    private static AuthorizationDecision CsiNode(string node, RequestAttributes a)
    {
        if (a.Verb is not ("get" or "create" or "update" or "patch" or "delete"))
        {
            return NoOpinion("can only get, create, update, patch, or delete a CSINode");
        }

        if (a.Subresource.Length > 0)
        {
            return NoOpinion("cannot authorize CSINode subresources");
        }

        return a.Verb != "create" && a.Name != node ? NoOpinion("can only access CSINode with the same name as the requesting node") : Allow;
    }

    private static AuthorizationDecision Node(string node, RequestAttributes a)
    {
        switch (a.Subresource, a.Verb)
        {
            // NodeRestriction keeps a kubelet's writes to its own Node.
            case ("", "create" or "update" or "patch"):
            case ("status", "update" or "patch"):
                return Allow;

            // By name rather than through the graph, so a kubelet can read its Node before creating it.
            case ("", "get" or "list" or "watch"):
                return a.Name == node ? Allow
                    : a.Name.Length == 0 ? NoOpinion($"node '{node}' cannot read all nodes, only its own Node object")
                    : NoOpinion($"node '{node}' cannot read '{a.Name}', only its own Node object");
            default:
                return NoOpinion("");
        }
    }

    private AuthorizationDecision Pod(string node, RequestAttributes a)
    {
        switch (a.Subresource, a.Verb)
        {
            case ("", "get"):
                return Get(node, NodeGraphKind.Pod, a);
            case ("", "list" or "watch"):
                if (BoundTo(a.FieldSelector) == node)
                {
                    return Allow;
                }

                return a.Name.Length > 0 ? Related(node, NodeGraphKind.Pod, a) : NoOpinion("can only list/watch pods with spec.nodeName field selector");

            // Mirror pods, their statuses and evictions: NodeRestriction keeps them to pods bound to this node.
            case ("", "create" or "delete"):
            case ("status", "update" or "patch"):
            case ("eviction", "create"):
                return Allow;
            default:
                return NoOpinion("");
        }
    }

    private static string? BoundTo(string fieldSelector)
    {
        try
        {
            return Rest.FieldSelector.Parse(fieldSelector).RequiredValue("spec.nodeName");
        }
        catch (StatusException)
        {
            // Unparseable: nothing is scoped (the request fails validation later if it gets that far).
            return null;
        }
    }
}
