using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>Upstream's rule matching (rbac/v1 helpers): one rule against one request.</summary>
public static class RuleMatching
{
    /// <summary>Matches everything in verbs, apiGroups, resources and nonResourceURLs.</summary>
    public const string All = "*";

    /// <summary>Whether <paramref name="rule"/> allows <paramref name="attributes"/>.</summary>
    public static bool Allows(RequestAttributes attributes, V1PolicyRule rule)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(rule);
        if (!VerbMatches(rule, attributes.Verb))
        {
            return false;
        }

        if (!attributes.IsResourceRequest)
        {
            return NonResourceUrlMatches(rule, attributes.Path);
        }

        var combined = attributes.Subresource.Length > 0 ? attributes.Resource + "/" + attributes.Subresource : attributes.Resource;
        return ApiGroupMatches(rule, attributes.ApiGroup)
            && ResourceMatches(rule, combined, attributes.Subresource)
            && ResourceNameMatches(rule, attributes.Name);
    }

    /// <summary>The rule lists the verb or <c>*</c>.</summary>
    public static bool VerbMatches(V1PolicyRule rule, string verb) => HasOrAll(rule.Verbs, verb);

    /// <summary>The rule lists the group or <c>*</c>.</summary>
    public static bool ApiGroupMatches(V1PolicyRule rule, string group) => HasOrAll(rule.ApiGroups, group);

    /// <summary><c>*</c>, the exact <c>resource[/subresource]</c>, or <c>*/subresource</c>.</summary>
    public static bool ResourceMatches(V1PolicyRule rule, string combined, string subresource)
    {
        if (rule.Resources is not { } resources)
        {
            return false;
        }

        // Index loops: foreach over an IList boxes an enumerator, which dominates when thousands of rules are checked.
        for (var i = 0; i < resources.Count; i++)
        {
            var r = resources[i];
            if (r == All || r == combined)
            {
                return true;
            }

            if (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal)
                && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>No resourceNames means any name; otherwise the request's name must be listed.</summary>
    public static bool ResourceNameMatches(V1PolicyRule rule, string name)
    {
        if (rule.ResourceNames is not { Count: > 0 } names)
        {
            return true;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>*</c>, the exact path, or a <c>/prefix*</c> the path starts with.</summary>
    public static bool NonResourceUrlMatches(V1PolicyRule rule, string path)
    {
        if (rule.NonResourceURLs is not { } urls)
        {
            return false;
        }

        for (var i = 0; i < urls.Count; i++)
        {
            var url = urls[i];
            if (url == All || url == path)
            {
                return true;
            }

            if (url.Length > 0 && url[^1] == '*' && path.StartsWith(url.AsSpan(0, url.Length - 1), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasOrAll(IList<string>? values, string value)
    {
        if (values is null)
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v == All || v == value)
            {
                return true;
            }
        }

        return false;
    }
}
