using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.ClusterRoleAggregation;

/// <summary>
/// Upstream's cluster-role aggregation controller (<c>clusterrole-aggregation-controller</c>): a ClusterRole with an
/// <c>aggregationRule</c> gets as <c>rules</c> the union of the rules of every other ClusterRole its selectors match
/// (by name order, duplicates dropped). Any ClusterRole change queues every aggregating role; chains (view into edit
/// into admin) settle as each update is seen.
/// </summary>
public sealed class ClusterRoleAggregationController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "clusterrole-aggregation-controller";

    private readonly ILister<V1ClusterRole> _roles;

    /// <summary>Creates the controller.</summary>
    public ClusterRoleAggregationController(ControllerContext context)
        : base(context)
    {
        var roles = Watch<V1ClusterRole>();
        _roles = roles.Lister;
        roles.AddEventHandler(ResourceEventHandler<V1ClusterRole>.ForAll(_ => EnqueueAggregating()));
    }

    /// <summary>The rules <paramref name="role"/> aggregates from <paramref name="all"/>.</summary>
    public static List<V1PolicyRule> Aggregate(V1ClusterRole role, IEnumerable<V1ClusterRole> all)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(all);
        var rules = new List<V1PolicyRule>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sorted = all.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList();
        foreach (var selector in role.AggregationRule?.ClusterRoleSelectors ?? [])
        {
            var matcher = LabelSelector.FromLabelSelector(selector);
            foreach (var other in sorted.Where(r => r.Metadata.Name != role.Metadata.Name && matcher.Matches(r.Metadata.Labels)))
            {
                foreach (var rule in other.Rules ?? [])
                {
                    if (seen.Add(Canonical(rule)))
                    {
                        rules.Add(rule);
                    }
                }
            }
        }

        return rules;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var role = _roles.Get(null, key);
        if (role?.AggregationRule?.ClusterRoleSelectors is not { Count: > 0 })
        {
            return ReconcileResult.Done;
        }

        var desired = Aggregate(role, _roles.List());
        if (Same(desired, role.Rules ?? []))
        {
            return ReconcileResult.Done;
        }

        var updated = KubeJson.Clone(role);
        updated.Rules = desired;
        try
        {
            await Client.RbacAuthorizationV1.ReplaceClusterRoleAsync(updated, key, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Deleted meanwhile.
        }

        return ReconcileResult.Done;
    }

    private void EnqueueAggregating()
    {
        foreach (var role in _roles.List().Where(r => r.AggregationRule?.ClusterRoleSelectors is { Count: > 0 }))
        {
            Enqueue(role);
        }
    }

    private static bool Same(IList<V1PolicyRule> a, IList<V1PolicyRule> b) =>
        a.Count == b.Count && a.Select(Canonical).SequenceEqual(b.Select(Canonical));

    // Null and empty lists mean the same in a rule.
    private static string Canonical(V1PolicyRule rule) => System.Text.Json.JsonSerializer.Serialize(new V1PolicyRule
    {
        ApiGroups = rule.ApiGroups is { Count: > 0 } g ? g : null,
        NonResourceURLs = rule.NonResourceURLs is { Count: > 0 } u ? u : null,
        ResourceNames = rule.ResourceNames is { Count: > 0 } n ? n : null,
        Resources = rule.Resources is { Count: > 0 } r ? r : null,
        Verbs = rule.Verbs,
    }, KubeJson.Options);
}
