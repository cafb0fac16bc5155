using LocalKube.Node.ApiServer.Rest;
using System.Text;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The API server's authorizer: <c>system:masters</c> first (always allowed, as upstream's privileged-group
/// authorizer), then RBAC over the current <see cref="RbacPolicy"/> snapshot, which <see cref="RbacPolicyCache"/>
/// keeps current. Nothing here reads storage.
/// </summary>
public sealed class RbacAuthorizer
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RbacPolicy _policy = RbacPolicy.Empty;

    /// <summary>The current snapshot.</summary>
    public RbacPolicy Policy => _policy;

    /// <summary>Completes once the cache has loaded every RBAC object.</summary>
    public Task Synced => _synced.Task;

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
        return IsPrivileged(attributes.User) ? new AuthorizationDecision(true, "") : _policy.Authorize(attributes);
    }

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
