using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Rest;
using System.Text;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The API server's authorizer chain, upstream's <c>--authorization-mode=Node,RBAC</c> behind the privileged group:
/// <c>system:masters</c> first (always allowed), then the <see cref="NodeAuthorizer"/> for kubelets (when there is
/// one), then RBAC over the current <see cref="RbacPolicy"/> snapshot, which <see cref="RbacPolicyCache"/> keeps
/// current. The first to allow decides; a denial carries the reasons of all, one per line, as upstream's union
/// authorizer. Nothing here reads storage.
/// </summary>
public sealed class RbacAuthorizer
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly NodeAuthorizer? _node;
    private readonly Task _allSynced;
    private volatile RbacPolicy _policy = RbacPolicy.Empty;

    /// <summary>RBAC alone.</summary>
    public RbacAuthorizer()
    {
        _allSynced = _synced.Task;
    }

    /// <summary>The node authorizer, then RBAC.</summary>
    public RbacAuthorizer(NodeAuthorizer node)
    {
        _node = node ?? throw new ArgumentNullException(nameof(node));
        _allSynced = Task.WhenAll(_synced.Task, node.Graph.Synced);
    }

    /// <summary>The current snapshot.</summary>
    public RbacPolicy Policy => _policy;

    /// <summary>Completes once the cache has loaded every RBAC object (and the node graph its objects).</summary>
    public Task Synced => _allSynced;

    /// <summary>Replaces the snapshot (the cache, or a test, calls this).</summary>
    public void Publish(RbacPolicy policy)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _synced.TrySetResult();
    }

    /// <summary>The decision for <paramref name="attributes"/>.</summary>
    public AuthorizationDecision Authorize(RequestAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (IsPrivileged(attributes.User))
        {
            return new AuthorizationDecision(true, "");
        }

        var byNode = _node?.Authorize(attributes) ?? default;
        if (byNode.Allowed)
        {
            return byNode;
        }

        var byRbac = _policy.Authorize(attributes);
        if (byRbac.Allowed || string.IsNullOrEmpty(byNode.Reason))
        {
            return byRbac;
        }

        return new AuthorizationDecision(false, byRbac.Reason.Length == 0 ? byNode.Reason : byNode.Reason + "\n" + byRbac.Reason);
    }

    /// <summary>
    /// Why rule enumeration is incomplete for <paramref name="user"/>, if it is (upstream's node authorizer does not
    /// enumerate a kubelet's permissions).
    /// </summary>
    public string? RulesIncompleteReason(KubeUser user) =>
        _node is not null && NodeAuthorizer.IsNode(user, out _) ? "node authorizer does not support user rule resolution" : null;

    /// <summary>Whether the user bypasses RBAC (member of <c>system:masters</c>).</summary>
    public static bool IsPrivileged(KubeUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var g in user.Groups)
        {
            if (g == KubeUser.MastersGroup)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Upstream's 403 for a denied request.</summary>
    public static StatusException Forbidden(RequestAttributes a, string reason)
    {
        ArgumentNullException.ThrowIfNull(a);
        var why = ForbiddenMessage(a);
        if (reason.Length > 0)
        {
            why += ": " + reason;
        }

        if (!a.IsResourceRequest || a.Resource.Length == 0)
        {
            return new StatusException(403, "Forbidden", "forbidden: " + why, new StatusDetails(null, null, null));
        }

        var qualified = StatusException.Qualified(a.ApiGroup, a.Resource);
        var message = a.Name.Length == 0 ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{a.Name}\" is forbidden: {why}";
        return new StatusException(403, "Forbidden", message, new StatusDetails(a.Name.Length == 0 ? null : a.Name, a.ApiGroup, a.Resource));
    }

    /// <summary><c>User "u" cannot get resource "pods" in API group "" in the namespace "ns"</c> and its variants.</summary>
    public static string ForbiddenMessage(RequestAttributes a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var user = GoQuote(a.User.Name);
        if (!a.IsResourceRequest)
        {
            return $"User {user} cannot {a.Verb} path {GoQuote(a.Path)}";
        }

        var resource = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
        return a.Namespace.Length > 0
            ? $"User {user} cannot {a.Verb} resource {GoQuote(resource)} in API group {GoQuote(a.ApiGroup)} in the namespace {GoQuote(a.Namespace)}"
            : $"User {user} cannot {a.Verb} resource {GoQuote(resource)} in API group {GoQuote(a.ApiGroup)} at the cluster scope";
    }

    /// <summary>Go's <c>%q</c> of a plain string.</summary>
    internal static string GoQuote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => b.Append("\\\""),
                '\\' => b.Append("\\\\"),
                '\n' => b.Append("\\n"),
                '\t' => b.Append("\\t"),
                _ => b.Append(c),
            };
        }

        return b.Append('"').ToString();
    }

    /// <summary>Go's <c>%q</c> of a string slice: <c>["a" "b"]</c>.</summary>
    internal static string GoQuote(IEnumerable<string>? values) => "[" + string.Join(' ', (values ?? []).Select(GoQuote)) + "]";
}
