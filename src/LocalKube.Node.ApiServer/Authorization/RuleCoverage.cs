using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's escalation check (rbac validation): does a set of owned rules cover requested rules? Requested rules
/// are broken down to one group/resource/verb/name (or one URL/verb) each; what no owned rule covers is reported,
/// compacted back per group/resource/name, in upstream's <c>{APIGroups:[...], Resources:[...], Verbs:[...]}</c> form.
/// </summary>
public static class RuleCoverage
{
    /// <summary>The rules of <paramref name="requested"/> not covered by <paramref name="owned"/> (empty: covered).</summary>
    public static IReadOnlyList<V1PolicyRule> Missing(IReadOnlyList<V1PolicyRule> owned, IEnumerable<V1PolicyRule> requested)
    {
        ArgumentNullException.ThrowIfNull(owned);
        ArgumentNullException.ThrowIfNull(requested);
        var missing = new List<V1PolicyRule>();
        foreach (var rule in requested)
        {
            foreach (var simple in Breakdown(rule))
            {
                if (!owned.Any(o => Covers(o, simple)))
                {
                    missing.Add(simple);
                }
            }
        }

        return missing;
    }

    /// <summary>The forbidden text when <paramref name="missing"/> is not empty.</summary>
    public static string EscalationMessage(KubeUser user, IReadOnlyList<V1PolicyRule> missing)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lines = Compact(missing).Select(CompactString).Distinct().Order(StringComparer.Ordinal);
        return $"user {RbacAuthorizer.GoQuote(user.Name)} (groups={RbacAuthorizer.GoQuote(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n"
            + string.Join('\n', lines);
    }

    /// <summary>One rule per group × resource × verb (× name), and per URL × verb.</summary>
    public static IEnumerable<V1PolicyRule> Breakdown(V1PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        foreach (var group in rule.ApiGroups ?? [])
        {
            foreach (var resource in rule.Resources ?? [])
            {
                foreach (var verb in rule.Verbs ?? [])
                {
                    if (rule.ResourceNames is { Count: > 0 } names)
                    {
                        foreach (var name in names)
                        {
                            yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb], ResourceNames = [name] };
                        }
                    }
                    else
                    {
                        yield return new V1PolicyRule { ApiGroups = [group], Resources = [resource], Verbs = [verb] };
                    }
                }
            }
        }

        foreach (var url in rule.NonResourceURLs ?? [])
        {
            foreach (var verb in rule.Verbs ?? [])
            {
                yield return new V1PolicyRule { NonResourceURLs = [url], Verbs = [verb] };
            }
        }
    }

    /// <summary>Whether <paramref name="owner"/> covers <paramref name="sub"/> (upstream's ruleCovers).</summary>
    public static bool Covers(V1PolicyRule owner, V1PolicyRule sub)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(sub);
        var verbs = Has(owner.Verbs, RuleMatching.All) || HasAll(owner.Verbs, sub.Verbs);
        var groups = Has(owner.ApiGroups, RuleMatching.All) || HasAll(owner.ApiGroups, sub.ApiGroups);
        var resources = ResourcesCoverAll(owner.Resources, sub.Resources);
        var urls = (sub.NonResourceURLs ?? []).All(u => UrlCovered(owner.NonResourceURLs, u));
        var names = sub.ResourceNames is not { Count: > 0 }
            ? owner.ResourceNames is not { Count: > 0 }
            : owner.ResourceNames is not { Count: > 0 } || HasAll(owner.ResourceNames, sub.ResourceNames);
        return verbs && groups && resources && urls && names;
    }

    private static bool ResourcesCoverAll(IList<string>? owner, IList<string>? sub)
    {
        if (Has(owner, RuleMatching.All) || HasAll(owner, sub))
        {
            return true;
        }

        foreach (var r in sub ?? [])
        {
            var slash = r.IndexOf('/', StringComparison.Ordinal);
            if (Has(owner, r) || (slash >= 0 && Has(owner, "*" + r[slash..])))
            {
                continue;
            }

            return false;
        }

        return true;
    }

    private static bool UrlCovered(IList<string>? owner, string url) =>
        (owner ?? []).Any(o => o == url || (o.EndsWith('*') && url.StartsWith(o.TrimEnd('*'), StringComparison.Ordinal)));

    private static bool Has(IList<string>? values, string value) => values is not null && values.Contains(value);

    private static bool HasAll(IList<string>? values, IList<string>? wanted) => (wanted ?? []).All(w => Has(values, w));

    // Simple resource rules with the same group, resource and name merge their verbs (upstream's CompactRules).
    private static IEnumerable<V1PolicyRule> Compact(IReadOnlyList<V1PolicyRule> rules)
    {
        var merged = new Dictionary<(string, string, string), V1PolicyRule>();
        foreach (var r in rules)
        {
            if (r.NonResourceURLs is { Count: > 0 } || r.ApiGroups?.Count != 1 || r.Resources?.Count != 1 || r.ResourceNames?.Count > 1)
            {
                yield return r;
                continue;
            }

            var key = (r.ApiGroups[0], r.Resources[0], r.ResourceNames?.FirstOrDefault() ?? "\0");
            if (merged.TryGetValue(key, out var existing))
            {
                foreach (var v in r.Verbs ?? [])
                {
                    if (!existing.Verbs.Contains(v))
                    {
                        existing.Verbs.Add(v);
                    }
                }
            }
            else
            {
                merged[key] = new V1PolicyRule { ApiGroups = [.. r.ApiGroups], Resources = [.. r.Resources], ResourceNames = r.ResourceNames, Verbs = [.. r.Verbs ?? []] };
            }
        }

        foreach (var r in merged.Values)
        {
            yield return r;
        }
    }

    /// <summary>Upstream's CompactString: the non-empty fields of a rule, each as a Go <c>%q</c> slice.</summary>
    public static string CompactString(V1PolicyRule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var parts = new List<string>();
        if (r.ApiGroups is { Count: > 0 })
        {
            parts.Add("APIGroups:" + RbacAuthorizer.GoQuote(r.ApiGroups));
        }

        if (r.Resources is { Count: > 0 })
        {
            parts.Add("Resources:" + RbacAuthorizer.GoQuote(r.Resources));
        }

        if (r.NonResourceURLs is { Count: > 0 })
        {
            parts.Add("NonResourceURLs:" + RbacAuthorizer.GoQuote(r.NonResourceURLs));
        }

        if (r.ResourceNames is { Count: > 0 })
        {
            parts.Add("ResourceNames:" + RbacAuthorizer.GoQuote(r.ResourceNames));
        }

        if (r.Verbs is { Count: > 0 })
        {
            parts.Add("Verbs:" + RbacAuthorizer.GoQuote(r.Verbs));
        }

        return "{" + string.Join(", ", parts) + "}";
    }
}
