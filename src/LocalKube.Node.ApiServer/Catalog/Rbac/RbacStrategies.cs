using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Rbac;

/// <summary>Rule, role-ref and subject checks and defaults shared by the four RBAC kinds.</summary>
public static class RbacRules
{
    /// <summary>The RBAC API group.</summary>
    public const string Group = "rbac.authorization.k8s.io";

    /// <summary>Upstream's policy rule checks; namespaced roles may not name non-resource URLs.</summary>
    public static void ValidateRules(IList<V1PolicyRule>? rules, bool namespaced, FieldErrors errors)
    {
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var r = rules![i];
            var p = FieldPath.Root("rules").Index(i);
            if (r.Verbs is null || r.Verbs.Count == 0)
            {
                errors.Required(p.Child("verbs"), "verbs must contain at least one value");
            }

            var hasUrls = r.NonResourceURLs is { Count: > 0 };
            if (hasUrls && namespaced)
            {
                errors.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs");
            }

            if (hasUrls && (r.ApiGroups is { Count: > 0 } || r.Resources is { Count: > 0 } || r.ResourceNames is { Count: > 0 }))
            {
                errors.Invalid(p.Child("nonResourceURLs"), r.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs");
            }
            else if (!hasUrls)
            {
                if (r.ApiGroups is null || r.ApiGroups.Count == 0)
                {
                    errors.Required(p.Child("apiGroups"), "resource rules must supply at least one api group");
                }

                if (r.Resources is null || r.Resources.Count == 0)
                {
                    errors.Required(p.Child("resources"), "resource rules must supply at least one resource");
                }
            }
        }
    }

    /// <summary>Role-ref and subject checks; <paramref name="clusterBinding"/> forbids refs to namespaced roles.</summary>
    public static void ValidateBinding(V1RoleRef? roleRef, IList<Rbacv1Subject>? subjects, bool clusterBinding, FieldErrors errors)
    {
        var rp = FieldPath.Root("roleRef");
        if (roleRef?.ApiGroup != Group)
        {
            errors.NotSupported(rp.Child("apiGroup"), roleRef?.ApiGroup ?? "", [Group]);
        }

        var kinds = clusterBinding ? new[] { "ClusterRole" } : ["Role", "ClusterRole"];
        if (!kinds.Contains(roleRef?.Kind))
        {
            errors.NotSupported(rp.Child("kind"), roleRef?.Kind ?? "", kinds);
        }

        if (string.IsNullOrEmpty(roleRef?.Name))
        {
            errors.Required(rp.Child("name"));
        }
        else
        {
            errors.InvalidEach(rp.Child("name"), roleRef.Name, Names.PathSegmentName(roleRef.Name, false));
        }

        for (var i = 0; i < (subjects?.Count ?? 0); i++)
        {
            var s = subjects![i];
            var p = FieldPath.Root("subjects").Index(i);
            if (string.IsNullOrEmpty(s.Name))
            {
                errors.Required(p.Child("name"));
            }

            switch (s.Kind)
            {
                case "ServiceAccount":
                    if (!string.IsNullOrEmpty(s.ApiGroup))
                    {
                        errors.NotSupported(p.Child("apiGroup"), s.ApiGroup, [""]);
                    }

                    if (clusterBinding && string.IsNullOrEmpty(s.NamespaceProperty))
                    {
                        errors.Required(p.Child("namespace"));
                    }

                    break;
                case "User" or "Group":
                    if (s.ApiGroup != Group)
                    {
                        errors.NotSupported(p.Child("apiGroup"), s.ApiGroup ?? "", [Group]);
                    }

                    break;
                default:
                    errors.NotSupported(p.Child("kind"), s.Kind ?? "", ["ServiceAccount", "User", "Group"]);
                    break;
            }
        }
    }

    /// <summary>Upstream's defaults: the RBAC group on the role ref and on User and Group subjects.</summary>
    public static void DefaultBinding(V1RoleRef? roleRef, IList<Rbacv1Subject>? subjects)
    {
        if (roleRef is not null && string.IsNullOrEmpty(roleRef.ApiGroup))
        {
            roleRef.ApiGroup = Group;
        }

        foreach (var s in subjects ?? [])
        {
            if (string.IsNullOrEmpty(s.ApiGroup) && s.Kind is "User" or "Group")
            {
                s.ApiGroup = Group;
            }
        }
    }

    /// <summary>ROLE, AGE, USERS, GROUPS, SERVICEACCOUNTS of a binding row.</summary>
    public static IReadOnlyList<object?> BindingRow(string? name, V1RoleRef? roleRef, IList<Rbacv1Subject>? subjects, string age)
    {
        var all = subjects ?? [];
        return
        [
            name, $"{roleRef?.Kind}/{roleRef?.Name}", age,
            string.Join(", ", all.Where(s => s.Kind == "User").Select(s => s.Name)),
            string.Join(", ", all.Where(s => s.Kind == "Group").Select(s => s.Name)),
            string.Join(", ", all.Where(s => s.Kind == "ServiceAccount").Select(s => $"{s.NamespaceProperty}/{s.Name}")),
        ];
    }

    /// <summary>The binding columns (USERS, GROUPS, SERVICEACCOUNTS are wide).</summary>
    public static IReadOnlyList<TableColumn> BindingColumns(string kind) =>
    [
        Cols.Name,
        Cols.Text("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
        Cols.Age,
        Cols.Text("Users", $"Users in the {kind}", 1),
        Cols.Text("Groups", $"Groups in the {kind}", 1),
        Cols.Text("ServiceAccounts", $"ServiceAccounts in the {kind}", 1),
    ];
}

/// <summary>rbac.authorization.k8s.io/v1 roles (generic NAME, CREATED AT table, as upstream).</summary>
public sealed class RoleStrategy : ResourceStrategy<V1Role>
{
    /// <summary>Creates the strategy.</summary>
    public RoleStrategy()
        : base(Descriptors.Of(RbacRules.Group, "v1", "Role", "roles", true), "roles", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override Names.Rule NameRule => Names.PathSegmentName;

    /// <inheritdoc />
    protected override void Validate(V1Role obj, FieldErrors errors) => RbacRules.ValidateRules(obj.Rules, namespaced: true, errors);

    /// <inheritdoc />
    protected override object? GenerationSource(V1Role obj) => null;
}

/// <summary>rbac.authorization.k8s.io/v1 cluster roles (aggregation rules are stored, not evaluated here).</summary>
public sealed class ClusterRoleStrategy : ResourceStrategy<V1ClusterRole>
{
    /// <summary>Creates the strategy.</summary>
    public ClusterRoleStrategy()
        : base(Descriptors.Of(RbacRules.Group, "v1", "ClusterRole", "clusterroles", false), "clusterroles", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override Names.Rule NameRule => Names.PathSegmentName;

    /// <inheritdoc />
    protected override void Validate(V1ClusterRole obj, FieldErrors errors)
    {
        RbacRules.ValidateRules(obj.Rules, namespaced: false, errors);
        for (var i = 0; i < (obj.AggregationRule?.ClusterRoleSelectors?.Count ?? 0); i++)
        {
            CommonValidation.LabelSelector(obj.AggregationRule!.ClusterRoleSelectors![i], FieldPath.Root("aggregationRule", "clusterRoleSelectors").Index(i), errors);
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ClusterRole obj) => null;
}

/// <summary>rbac.authorization.k8s.io/v1 role bindings (the role ref is immutable).</summary>
public sealed class RoleBindingStrategy : ResourceStrategy<V1RoleBinding>
{
    private static readonly IReadOnlyList<TableColumn> BindingColumns = RbacRules.BindingColumns("roleBinding");

    /// <summary>Creates the strategy.</summary>
    public RoleBindingStrategy()
        : base(Descriptors.Of(RbacRules.Group, "v1", "RoleBinding", "rolebindings", true), "rolebindings", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => BindingColumns;

    /// <inheritdoc />
    protected override Names.Rule NameRule => Names.PathSegmentName;

    /// <inheritdoc />
    protected override void Default(V1RoleBinding obj) => RbacRules.DefaultBinding(obj.RoleRef, obj.Subjects);

    /// <inheritdoc />
    protected override void Validate(V1RoleBinding obj, FieldErrors errors) => RbacRules.ValidateBinding(obj.RoleRef, obj.Subjects, clusterBinding: false, errors);

    /// <inheritdoc />
    protected override void ValidateUpdate(V1RoleBinding obj, V1RoleBinding old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (!Json.SemanticEquals(obj.RoleRef, old.RoleRef))
        {
            errors.Invalid(FieldPath.Root("roleRef"), new GoValue.Verbatim($"rbac.RoleRef{{APIGroup:{GoValue.Quote(obj.RoleRef?.ApiGroup ?? "")}, Kind:{GoValue.Quote(obj.RoleRef?.Kind ?? "")}, Name:{GoValue.Quote(obj.RoleRef?.Name ?? "")}}}"), "cannot change roleRef");
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1RoleBinding obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1RoleBinding obj, DateTimeOffset now) => RbacRules.BindingRow(obj.Metadata?.Name, obj.RoleRef, obj.Subjects, AgeOf(obj, now));
}

/// <summary>rbac.authorization.k8s.io/v1 cluster role bindings (the role ref is immutable).</summary>
public sealed class ClusterRoleBindingStrategy : ResourceStrategy<V1ClusterRoleBinding>
{
    private static readonly IReadOnlyList<TableColumn> BindingColumns = RbacRules.BindingColumns("clusterRoleBinding");

    /// <summary>Creates the strategy.</summary>
    public ClusterRoleBindingStrategy()
        : base(Descriptors.Of(RbacRules.Group, "v1", "ClusterRoleBinding", "clusterrolebindings", false), "clusterrolebindings", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => BindingColumns;

    /// <inheritdoc />
    protected override Names.Rule NameRule => Names.PathSegmentName;

    /// <inheritdoc />
    protected override void Default(V1ClusterRoleBinding obj) => RbacRules.DefaultBinding(obj.RoleRef, obj.Subjects);

    /// <inheritdoc />
    protected override void Validate(V1ClusterRoleBinding obj, FieldErrors errors) => RbacRules.ValidateBinding(obj.RoleRef, obj.Subjects, clusterBinding: true, errors);

    /// <inheritdoc />
    protected override void ValidateUpdate(V1ClusterRoleBinding obj, V1ClusterRoleBinding old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (!Json.SemanticEquals(obj.RoleRef, old.RoleRef))
        {
            errors.Invalid(FieldPath.Root("roleRef"), new GoValue.Verbatim($"rbac.RoleRef{{APIGroup:{GoValue.Quote(obj.RoleRef?.ApiGroup ?? "")}, Kind:{GoValue.Quote(obj.RoleRef?.Kind ?? "")}, Name:{GoValue.Quote(obj.RoleRef?.Name ?? "")}}}"), "cannot change roleRef");
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ClusterRoleBinding obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ClusterRoleBinding obj, DateTimeOffset now) => RbacRules.BindingRow(obj.Metadata?.Name, obj.RoleRef, obj.Subjects, AgeOf(obj, now));
}
