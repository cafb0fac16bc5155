using System.Threading.Channels;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's clusterrole-aggregation controller, small: a cluster role with an <c>aggregationRule</c> gets as
/// <c>rules</c> the union of the rules of every other cluster role its selectors match (by name order, duplicates
/// dropped). Woken by each policy change; chains (view into edit into admin) settle over successive changes.
/// </summary>
public sealed partial class ClusterRoleAggregator(ResourceStore store, RbacAuthorizer authorizer, RbacPolicyCache cache, ILogger<ClusterRoleAggregator> logger)
{
    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (store.Resources.FindKind(RbacRules.Group, "ClusterRole") is not { } clusterRoles)
        {
            return;
        }

        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnChanged() => wake.Writer.TryWrite(true);
        cache.Changed += OnChanged;
        wake.Writer.TryWrite(true);
        try
        {
            while (true)
            {
                await wake.Reader.ReadAsync(cancellationToken);
                var policy = authorizer.Policy;
                foreach (var role in policy.ClusterRoles.Values.Where(r => r.AggregationRule?.ClusterRoleSelectors is { Count: > 0 }))
                {
                    var desired = Aggregate(role, policy.ClusterRoles.Values);
                    if (Json.SemanticEquals(desired, role.Rules ?? []))
                    {
                        continue;
                    }

                    try
                    {
                        await store.UpdateAsync(clusterRoles, null, role.Metadata.Name, current =>
                        {
                            var updated = (V1ClusterRole)current.Object;
                            updated.Rules = desired;
                            return updated;
                        }, UpdateScope.Main, dryRun: false, cancellationToken);
                    }
                    catch (StatusException e)
                    {
                        // Deleted or changed meanwhile: the next change wakes us again.
                        Log.UpdateFailed(logger, role.Metadata.Name, e.Message);
                    }
                }
            }
        }
        finally
        {
            cache.Changed -= OnChanged;
        }
    }

    /// <summary>The rules <paramref name="role"/> aggregates from <paramref name="all"/>.</summary>
    public static List<V1PolicyRule> Aggregate(V1ClusterRole role, IEnumerable<V1ClusterRole> all)
    {
        ArgumentNullException.ThrowIfNull(role);
        var rules = new List<V1PolicyRule>();
        var sorted = all.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList();
        foreach (var selector in role.AggregationRule?.ClusterRoleSelectors ?? [])
        {
            foreach (var other in sorted.Where(r => r.Metadata.Name != role.Metadata.Name && SelectorMatches(selector, r.Metadata.Labels)))
            {
                foreach (var rule in other.Rules ?? [])
                {
                    if (!rules.Any(r => Json.SemanticEquals(r, rule)))
                    {
                        rules.Add(rule);
                    }
                }
            }
        }

        return rules;
    }

    /// <summary>metav1.LabelSelector semantics; an empty selector matches everything.</summary>
    public static bool SelectorMatches(V1LabelSelector selector, IDictionary<string, string>? labels)
    {
        ArgumentNullException.ThrowIfNull(selector);
        labels ??= new Dictionary<string, string>();
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var value);
            var ok = e.OperatorProperty switch
            {
                "In" => has && (e.Values ?? []).Contains(value!),
                "NotIn" => !has || !(e.Values ?? []).Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Aggregating cluster role {Name} failed: {Message}")]
        public static partial void UpdateFailed(ILogger logger, string name, string message);
    }
}
