using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// An immutable snapshot of every Role, ClusterRole, RoleBinding and ClusterRoleBinding, indexed for evaluation:
/// bindings by subject (user name, group, service-account user name) and by namespace, each with its role's rules
/// resolved up front. Evaluation is upstream's: cluster role bindings, then the role bindings of the request's
/// namespace; any rule that allows the request allows it.
/// </summary>
public sealed class RbacPolicy
{
    private readonly Dictionary<string, Bound[]> _cluster;
    private readonly Dictionary<string, Dictionary<string, Bound[]>> _namespaced;

    private RbacPolicy(
        IReadOnlyDictionary<string, V1ClusterRole> clusterRoles,
        IReadOnlyDictionary<(string Namespace, string Name), V1Role> roles,
        Dictionary<string, Bound[]> cluster,
        Dictionary<string, Dictionary<string, Bound[]>> namespaced)
    {
        ClusterRoles = clusterRoles;
        Roles = roles;
        _cluster = cluster;
        _namespaced = namespaced;
    }

    /// <summary>An empty policy: everything is denied.</summary>
    public static RbacPolicy Empty { get; } = Build([], [], [], []);

    /// <summary>Cluster roles by name.</summary>
    public IReadOnlyDictionary<string, V1ClusterRole> ClusterRoles { get; }

    /// <summary>Roles by namespace and name.</summary>
    public IReadOnlyDictionary<(string Namespace, string Name), V1Role> Roles { get; }

    /// <summary>Indexes the four kinds.</summary>
    public static RbacPolicy Build(
        IEnumerable<V1ClusterRole> clusterRoles, IEnumerable<V1Role> roles, IEnumerable<V1ClusterRoleBinding> clusterBindings, IEnumerable<V1RoleBinding> bindings)
    {
        var crs = new Dictionary<string, V1ClusterRole>(StringComparer.Ordinal);
        foreach (var r in clusterRoles)
        {
            crs[r.Metadata?.Name ?? ""] = r;
        }

        var rs = new Dictionary<(string, string), V1Role>();
        foreach (var r in roles)
        {
            rs[(r.Metadata?.NamespaceProperty ?? "", r.Metadata?.Name ?? "")] = r;
        }

        var shared = new Dictionary<(string, string, string), CompiledRule[]>();
        var cluster = new Dictionary<string, List<Bound>>(StringComparer.Ordinal);
        foreach (var b in clusterBindings)
        {
            var bound = Resolve("ClusterRoleBinding", b.Metadata?.Name ?? "", "", b.RoleRef, b.Subjects, crs, rs, shared);
            Index(cluster, bound, "");
        }

        var namespaced = new Dictionary<string, Dictionary<string, List<Bound>>>(StringComparer.Ordinal);
        foreach (var b in bindings)
        {
            var ns = b.Metadata?.NamespaceProperty ?? "";
            var bound = Resolve("RoleBinding", b.Metadata?.Name ?? "", ns, b.RoleRef, b.Subjects, crs, rs, shared);
            if (!namespaced.TryGetValue(ns, out var index))
            {
                namespaced[ns] = index = new Dictionary<string, List<Bound>>(StringComparer.Ordinal);
            }

            Index(index, bound, ns);
        }

        return new RbacPolicy(crs, rs, Freeze(cluster), namespaced.ToDictionary(kv => kv.Key, kv => Freeze(kv.Value), StringComparer.Ordinal));
    }

    /// <summary>
    /// Upstream's RBAC decision (without the system:masters bypass, which the authorizer applies): allowed with
    /// <c>RBAC: allowed by ...</c>, or denied with the reasons bindings could not be evaluated (empty when none).
    /// </summary>
    public AuthorizationDecision Authorize(RequestAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        List<string>? errors = null;
        if (Visit(_cluster, attributes, ref errors) is { } byCluster)
        {
            return byCluster;
        }

        if (attributes.Namespace.Length > 0 && _namespaced.TryGetValue(attributes.Namespace, out var index)
            && Visit(index, attributes, ref errors) is { } byRole)
        {
            return byRole;
        }

        return new AuthorizationDecision(false, errors is null ? "" : "RBAC: " + Aggregate(errors));
    }

    /// <summary>Every rule that applies to <paramref name="user"/> in <paramref name="ns"/> (cluster-wide ones included).</summary>
    public IReadOnlyList<V1PolicyRule> RulesFor(KubeUser user, string ns, List<string>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var rules = new List<V1PolicyRule>();
        var seen = new HashSet<Bound>();
        Collect(_cluster, user, "", seen, rules, errors);
        if (ns.Length > 0 && _namespaced.TryGetValue(ns, out var index))
        {
            Collect(index, user, ns, seen, rules, errors);
        }

        return rules;
    }

    /// <summary>The rules of a role reference seen from <paramref name="ns"/>; null when the role does not exist.</summary>
    public IList<V1PolicyRule>? RoleRules(string kind, string ns, string name) => kind switch
    {
        "ClusterRole" => ClusterRoles.TryGetValue(name, out var cr) ? cr.Rules ?? [] : null,
        "Role" => Roles.TryGetValue((ns, name), out var r) ? r.Rules ?? [] : null,
        _ => null,
    };

    /// <summary>Upstream's aggregate error text: one error alone, else <c>[a, b]</c>.</summary>
    internal static string Aggregate(IEnumerable<string> errors)
    {
        var distinct = errors.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    // A binding listed under several of the user's keys is simply evaluated again: cheaper than tracking visits.
    private static AuthorizationDecision? Visit(Dictionary<string, Bound[]> index, RequestAttributes a, ref List<string>? errors)
    {
        var user = a.User;
        if (VisitKey(index, "u\0" + user.Name, a, ref errors) is { } d)
        {
            return d;
        }

        foreach (var g in user.Groups)
        {
            if (VisitKey(index, "g\0" + g, a, ref errors) is { } dg)
            {
                return dg;
            }
        }

        return null;
    }

    private static AuthorizationDecision? VisitKey(Dictionary<string, Bound[]> index, string key, RequestAttributes a, ref List<string>? errors)
    {
        if (!index.TryGetValue(key, out var bounds))
        {
            return null;
        }

        foreach (var b in bounds)
        {
            if (b.Rules is null)
            {
                (errors ??= []).Add(b.Error!);
                continue;
            }

            foreach (var rule in b.Rules.AsSpan())
            {
                if (rule.Allows(a))
                {
                    return new AuthorizationDecision(true, "RBAC: allowed by " + b.Describe(a.User));
                }
            }
        }

        return null;
    }

    private static void Collect(Dictionary<string, Bound[]> index, KubeUser user, string ns, HashSet<Bound> seen, List<V1PolicyRule> rules, List<string>? errors)
    {
        foreach (var key in user.Groups.Select(g => "g\0" + g).Prepend("u\0" + user.Name))
        {
            if (!index.TryGetValue(key, out var bounds))
            {
                continue;
            }

            foreach (var b in bounds.Where(seen.Add))
            {
                if (b.Rules is null)
                {
                    errors?.Add(b.Error!);
                }
                else
                {
                    rules.AddRange(b.Rules.Select(r => r.Source));
                }
            }
        }
    }

    private static Bound Resolve(
        string kind, string name, string ns, V1RoleRef? roleRef, IList<Rbacv1Subject>? subjects,
        Dictionary<string, V1ClusterRole> crs, Dictionary<(string, string), V1Role> rs, Dictionary<(string, string, string), CompiledRule[]> shared)
    {
        IList<V1PolicyRule>? rules = null;
        string? error = null;
        var refName = roleRef?.Name ?? "";
        switch (roleRef?.Kind)
        {
            case "ClusterRole":
                rules = crs.TryGetValue(refName, out var cr) ? cr.Rules ?? [] : null;
                error = rules is null ? $"clusterrole.rbac.authorization.k8s.io \"{refName}\" not found" : null;
                break;
            case "Role" when ns.Length > 0:
                rules = rs.TryGetValue((ns, refName), out var r) ? r.Rules ?? [] : null;
                error = rules is null ? $"role.rbac.authorization.k8s.io \"{refName}\" not found" : null;
                break;
            default:
                error = $"unsupported role reference kind: \"{roleRef?.Kind}\"";
                break;
        }

        // Bindings of one role share one rules array, so an index key can evaluate each role once (see Freeze).
        CompiledRule[]? array = null;
        if (rules is not null)
        {
            var roleKey = (roleRef!.Kind, roleRef.Kind == "Role" ? ns : "", refName);
            if (!shared.TryGetValue(roleKey, out array))
            {
                shared[roleKey] = array = rules.Select(r => new CompiledRule(r)).ToArray();
            }
        }

        return new Bound(kind, name, ns, roleRef?.Kind ?? "", refName, subjects?.ToArray() ?? [], array, error);
    }

    private static void Index(Dictionary<string, List<Bound>> index, Bound bound, string ns)
    {
        foreach (var s in bound.Subjects)
        {
            var key = SubjectKey(s, ns);
            if (key is null)
            {
                continue;
            }

            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            if (!list.Contains(bound))
            {
                list.Add(bound);
            }
        }
    }

    // Under one subject key, a second binding of the same role adds no rule: only the first is kept for evaluation
    // (RulesFor and errors do not need the others: same rules; missing roles have no array and are all kept).
    private static Dictionary<string, Bound[]> Freeze(Dictionary<string, List<Bound>> index) =>
        index.ToDictionary(kv => kv.Key, kv =>
        {
            var roles = new HashSet<CompiledRule[]>(ReferenceEqualityComparer.Instance);
            return kv.Value.Where(b => b.Rules is null || roles.Add(b.Rules)).ToArray();
        }, StringComparer.Ordinal);

    /// <summary>The index key a subject matches under; service accounts default to the binding's namespace.</summary>
    private static string? SubjectKey(Rbacv1Subject s, string bindingNamespace)
    {
        switch (s.Kind)
        {
            case "User":
                return "u\0" + s.Name;
            case "Group":
                return "g\0" + s.Name;
            case "ServiceAccount":
                var ns = string.IsNullOrEmpty(s.NamespaceProperty) ? bindingNamespace : s.NamespaceProperty;
                return ns.Length == 0 ? null : $"u\0system:serviceaccount:{ns}:{s.Name}";
            default:
                return null;
        }
    }

    /// <summary>Whether a subject names <paramref name="user"/> (upstream's appliesToUser).</summary>
    internal static bool AppliesTo(Rbacv1Subject s, KubeUser user, string bindingNamespace) => s.Kind switch
    {
        "User" => s.Name == user.Name,
        "Group" => user.Groups.Contains(s.Name),
        "ServiceAccount" => SubjectKey(s, bindingNamespace) is { } key && key.AsSpan(2).SequenceEqual(user.Name),
        _ => false,
    };

    private sealed record Bound(
        string Kind, string Name, string Namespace, string RoleKind, string RoleName, Rbacv1Subject[] Subjects, CompiledRule[]? Rules, string? Error)
    {
        // Upstream: ClusterRoleBinding "b" of ClusterRole "r" to Group "g"; RoleBinding "b/ns" of Role "r" to ServiceAccount "sa/ns".
        public string Describe(KubeUser user)
        {
            var subject = Subjects.FirstOrDefault(s => AppliesTo(s, user, Namespace));
            var who = subject is null ? "" : subject.Kind == "ServiceAccount"
                ? $"{subject.Kind} \"{subject.Name}/{(string.IsNullOrEmpty(subject.NamespaceProperty) ? Namespace : subject.NamespaceProperty)}\""
                : $"{subject.Kind} \"{subject.Name}\"";
            var name = Kind == "RoleBinding" ? $"{Name}/{Namespace}" : Name;
            return $"{Kind} \"{name}\" of {RoleKind} \"{RoleName}\" to {who}";
        }

        // Reference equality: a binding is one entry however many of its subjects match.
        public bool Equals(Bound? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    }
}

/// <summary>An authorization verdict and its reason (upstream's decision plus reason string).</summary>
/// <param name="Allowed">Whether the request is allowed.</param>
/// <param name="Reason">Why; for denials, empty unless some binding could not be evaluated.</param>
public readonly record struct AuthorizationDecision(bool Allowed, string Reason);
