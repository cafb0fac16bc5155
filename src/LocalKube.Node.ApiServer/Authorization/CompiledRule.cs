using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// A policy rule flattened to arrays with its wildcards precomputed, for the hot path: a denied request may check
/// every rule of every binding that names the user.
/// </summary>
internal sealed class CompiledRule
{
    private readonly string[] _verbs;
    private readonly string[] _groups;
    private readonly string[] _resources;
    private readonly string[] _names;
    private readonly bool _allVerbs;
    private readonly bool _allGroups;

    public CompiledRule(V1PolicyRule source)
    {
        Source = source;
        _verbs = [.. source.Verbs ?? []];
        _groups = [.. source.ApiGroups ?? []];
        _resources = [.. source.Resources ?? []];
        _names = [.. source.ResourceNames ?? []];
        _allVerbs = _verbs.Contains(RuleMatching.All);
        _allGroups = _groups.Contains(RuleMatching.All);
        IsResourceRule = _resources.Length > 0;
    }

    public V1PolicyRule Source { get; }

    public bool IsResourceRule { get; }

    public bool Allows(RequestAttributes a)
    {
        if (!_allVerbs && Array.IndexOf(_verbs, a.Verb) < 0)
        {
            return false;
        }

        if (!a.IsResourceRequest)
        {
            return !IsResourceRule && RuleMatching.NonResourceUrlMatches(Source, a.Path);
        }

        if (!IsResourceRule || (!_allGroups && Array.IndexOf(_groups, a.ApiGroup) < 0))
        {
            return false;
        }

        // The resource and name checks are rarer: reuse the reference implementation.
        var combined = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
        return RuleMatching.ResourceMatches(Source, combined, a.Subresource)
            && (_names.Length == 0 || Array.IndexOf(_names, a.Name) >= 0);
    }
}
