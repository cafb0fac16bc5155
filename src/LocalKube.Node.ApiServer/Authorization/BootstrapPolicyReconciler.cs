using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Rbac;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Creates the <see cref="BootstrapPolicy"/> roles and bindings at start, and, like upstream's reconciliation, adds
/// back what is missing (rules, labels, annotations, aggregation selectors, subjects) to those still annotated
/// <c>rbac.authorization.kubernetes.io/autoupdate: "true"</c>. Removes nothing but the subjects earlier releases bound
/// that the policy no longer grants (<see cref="BootstrapPolicy.RetiredSubjects"/>). Idempotent.
/// </summary>
public sealed class BootstrapPolicyReconciler(ResourceStore store)
{
    /// <summary>Reconciles every default role and binding.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (store.Resources.FindKind(RbacRules.Group, "ClusterRole") is { } roles)
        {
            foreach (var role in BootstrapPolicy.ClusterRoles())
            {
                await ReconcileAsync(roles, role, (stored, want) =>
                {
                    var r = (V1ClusterRole)stored;
                    var w = (V1ClusterRole)want;
                    var changed = false;
                    if (w.AggregationRule is not null)
                    {
                        r.AggregationRule ??= new V1AggregationRule { ClusterRoleSelectors = [] };
                        r.AggregationRule.ClusterRoleSelectors ??= [];
                        changed |= AddMissing(r.AggregationRule.ClusterRoleSelectors, w.AggregationRule.ClusterRoleSelectors ?? []);
                    }
                    else
                    {
                        r.Rules ??= [];
                        changed |= AddMissing(r.Rules, w.Rules ?? []);
                    }

                    return changed;
                }, cancellationToken);
            }
        }

        if (store.Resources.FindKind(RbacRules.Group, "ClusterRoleBinding") is { } bindings)
        {
            foreach (var binding in BootstrapPolicy.ClusterRoleBindings())
            {
                await ReconcileAsync(bindings, binding, (stored, want) =>
                {
                    var b = (V1ClusterRoleBinding)stored;
                    if (!Json.SemanticEquals(b.RoleRef, ((V1ClusterRoleBinding)want).RoleRef))
                    {
                        return false;
                    }

                    b.Subjects ??= [];
                    var retired = RemoveRetired(b.Metadata.Name, b.Subjects);
                    return AddMissing(b.Subjects, ((V1ClusterRoleBinding)want).Subjects ?? []) | retired;
                }, cancellationToken);
            }
        }
    }

    private async Task ReconcileAsync(
        RestResource resource, IKubernetesObject<V1ObjectMeta> want, Func<IKubernetesObject<V1ObjectMeta>, IKubernetesObject<V1ObjectMeta>, bool> merge,
        CancellationToken cancellationToken)
    {
        var name = want.Metadata.Name;
        var stored = await store.TryGetAsync(resource, null, name, cancellationToken);
        if (stored is null)
        {
            try
            {
                await store.CreateAsync(resource, want, dryRun: false, cancellationToken);
            }
            catch (StatusException e) when (e.Code == 409)
            {
                // Created meanwhile.
            }

            return;
        }

        // Nothing to add: no write at all.
        if (!AddBack(stored.Object, want, merge))
        {
            return;
        }

        try
        {
            // A compare-and-swap retry hands over the fresh object: add back to that one, never write the stale copy
            // (that would undo whatever changed it meanwhile).
            await store.UpdateAsync(resource, null, name, fresh =>
            {
                AddBack(fresh.Object, want, merge);
                return fresh.Object;
            }, UpdateScope.Main, dryRun: false, cancellationToken);
        }
        catch (StatusException e) when (e.Code is 404 or 409)
        {
            // Removed meanwhile; the next start reconciles again.
        }
    }

    // Adds to `current` what `want` has and it lacks; false when it lacks nothing or opted out of auto-update.
    private static bool AddBack(
        IKubernetesObject<V1ObjectMeta> current, IKubernetesObject<V1ObjectMeta> want, Func<IKubernetesObject<V1ObjectMeta>, IKubernetesObject<V1ObjectMeta>, bool> merge)
    {
        if (current.Metadata.Annotations?.TryGetValue(BootstrapPolicy.AutoUpdate, out var auto) == true && auto == "false")
        {
            return false;
        }

        var changed = merge(current, want);
        current.Metadata.Labels ??= new Dictionary<string, string>();
        current.Metadata.Annotations ??= new Dictionary<string, string>();
        foreach (var (k, v) in want.Metadata.Labels ?? new Dictionary<string, string>())
        {
            changed |= current.Metadata.Labels.TryAdd(k, v);
        }

        foreach (var (k, v) in want.Metadata.Annotations ?? new Dictionary<string, string>())
        {
            changed |= current.Metadata.Annotations.TryAdd(k, v);
        }

        return changed;
    }

    // Takes out the subjects earlier releases bound that the policy no longer grants (BootstrapPolicy.RetiredSubjects).
    private static bool RemoveRetired(string binding, IList<Rbacv1Subject> subjects)
    {
        var changed = false;
        foreach (var (name, subject) in BootstrapPolicy.RetiredSubjects)
        {
            for (var i = subjects.Count - 1; name == binding && i >= 0; i--)
            {
                if (Json.SemanticEquals(subjects[i], subject))
                {
                    subjects.RemoveAt(i);
                    changed = true;
                }
            }
        }

        return changed;
    }

    private static bool AddMissing<T>(IList<T> target, IEnumerable<T> wanted)
    {
        var changed = false;
        foreach (var w in wanted)
        {
            if (!target.Any(t => Json.SemanticEquals(t, w)))
            {
                target.Add(w);
                changed = true;
            }
        }

        return changed;
    }
}
