using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Rbac;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's RBAC escalation prevention on writes of roles and bindings by a request's caller (<c>system:masters</c>,
/// which includes the API server's own <see cref="KubeUser.ApiServer"/>, passes; a write with no caller is refused). A role may only hold rules its author holds,
/// unless the author may <c>escalate</c> it; a binding may only grant a role whose rules its author holds, unless
/// the author may <c>bind</c> that role. Aggregation rules need full authority.
/// </summary>
public sealed class RbacEscalationCheck(RbacAuthorizer authorizer) : IAdmissionHook
{
    private static readonly V1PolicyRule[] FullAuthority =
    [
        new() { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
        new() { Verbs = ["*"], NonResourceURLs = ["*"] },
    ];

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group == RbacRules.Group && kind is "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding";

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = RequestUser.Current
            ?? throw StatusException.Forbidden(request.Resource.Group, request.Resource.Plural, request.Object.Metadata.Name, "no user is making this write");
        if (RbacAuthorizer.IsPrivileged(user))
        {
            return;
        }

        var resource = request.Resource;
        var meta = request.Object.Metadata;
        var ns = meta.NamespaceProperty ?? "";
        switch (request.Object)
        {
            case V1Role role:
                if (request.Old is V1Role old && Json.SemanticEquals(old.Rules, role.Rules))
                {
                    return;
                }

                CheckRole(user, resource, ns, meta.Name, role.Rules);
                break;
            case V1ClusterRole clusterRole:
                if (request.Old is V1ClusterRole oldCr && Json.SemanticEquals(oldCr.Rules, clusterRole.Rules)
                    && Json.SemanticEquals(oldCr.AggregationRule, clusterRole.AggregationRule))
                {
                    return;
                }

                CheckRole(user, resource, "", meta.Name, clusterRole.Rules);
                if (clusterRole.AggregationRule is not null && !Escalates(user, resource, "", meta.Name)
                    && RuleCoverage.Missing(authorizer.Policy.RulesFor(user, ""), FullAuthority).Count > 0)
                {
                    throw StatusException.Forbidden(resource.Group, resource.Plural, meta.Name, "must have cluster-admin privileges to use the aggregationRule");
                }

                break;
            case V1RoleBinding binding:
                await CheckBindingAsync(request, user, ns, binding.RoleRef, cancellationToken);
                break;
            case V1ClusterRoleBinding clusterBinding:
                await CheckBindingAsync(request, user, "", clusterBinding.RoleRef, cancellationToken);
                break;
        }
    }

    private void CheckRole(KubeUser user, RestResource resource, string ns, string name, IList<V1PolicyRule>? rules)
    {
        if (Escalates(user, resource, ns, name))
        {
            return;
        }

        var missing = RuleCoverage.Missing(authorizer.Policy.RulesFor(user, ns), rules ?? []);
        if (missing.Count > 0)
        {
            throw StatusException.Forbidden(resource.Group, resource.Plural, name, RuleCoverage.EscalationMessage(user, missing));
        }
    }

    private bool Escalates(KubeUser user, RestResource resource, string ns, string name) =>
        authorizer.Authorize(RequestAttributes.ForResource(user, "escalate", resource.Group, resource.Plural, ns, name)).Allowed;

    private async Task CheckBindingAsync(AdmissionRequest request, KubeUser user, string ns, V1RoleRef? roleRef, CancellationToken cancellationToken)
    {
        var resource = request.Resource;
        var name = request.Object.Metadata.Name;
        if (roleRef is null)
        {
            return;
        }

        var refPlural = roleRef.Kind == "Role" ? "roles" : "clusterroles";
        // Upstream asks in the binding's namespace, so a RoleBinding may delegate binding a ClusterRole there.
        if (authorizer.Authorize(RequestAttributes.ForResource(user, "bind", RbacRules.Group, refPlural, ns, roleRef.Name)).Allowed)
        {
            return;
        }

        // The role is read from storage, not the cache: it may have been created a moment ago.
        var refResource = request.Store.Resources.FindKind(RbacRules.Group, roleRef.Kind);
        var stored = refResource is null ? null : await request.Store.TryGetAsync(refResource, roleRef.Kind == "Role" ? ns : null, roleRef.Name, cancellationToken);
        var rules = stored?.Object switch
        {
            V1Role r => r.Rules,
            V1ClusterRole cr => cr.Rules,
            _ => throw StatusException.NotFound(RbacRules.Group, refPlural, roleRef.Name),
        };
        var missing = RuleCoverage.Missing(authorizer.Policy.RulesFor(user, ns), rules ?? []);
        if (missing.Count > 0)
        {
            throw StatusException.Forbidden(resource.Group, resource.Plural, name, RuleCoverage.EscalationMessage(user, missing));
        }
    }
}
