using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Clients;

/// <summary>One served resource and the verbs it supports.</summary>
/// <param name="Resource">Where it lives.</param>
/// <param name="Verbs">Its verbs, e.g. <c>list</c>, <c>delete</c>, <c>deletecollection</c>.</param>
public sealed record DiscoveredResource(ApiResource Resource, IReadOnlyList<string> Verbs)
{
    /// <summary>Whether <paramref name="verb"/> is supported.</summary>
    public bool Supports(string verb) => Verbs.Contains(verb, StringComparer.Ordinal);
}
