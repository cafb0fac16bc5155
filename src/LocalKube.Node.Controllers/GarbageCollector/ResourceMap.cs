using System.Collections.Concurrent;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// What discovery says about the served resources (upstream's REST mapper and <c>GetDeletableResources</c>): which
/// resource serves a kind, whether it is namespaced, and which resources the collector watches (those that can be
/// listed, watched and deleted, except events).
/// </summary>
internal sealed class ResourceMap
{
    private readonly ConcurrentDictionary<(string Group, string Kind), ApiResource> _byKind = new();

    /// <summary>The served resource of a kind (its group's preferred version); null when discovery has not seen it.</summary>
    public ApiResource? Find(string apiVersion, string kind) => _byKind.GetValueOrDefault((GroupOf(apiVersion), kind));

    /// <summary>Whether the kind is namespaced; null when unknown.</summary>
    public bool? IsNamespaced(string apiVersion, string kind) => Find(apiVersion, kind)?.Namespaced;

    /// <summary>Records one discovery pass; returns the resources to watch.</summary>
    public IReadOnlyList<ApiResource> Update(IReadOnlyList<DiscoveredResource> discovered)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        var deletable = new List<ApiResource>();
        foreach (var d in discovered)
        {
            _byKind[(d.Resource.Group, d.Resource.Kind)] = d.Resource;
            var events = d.Resource.Plural == "events" && d.Resource.Group is "" or "events.k8s.io";
            if (!events && d.Supports("list") && d.Supports("watch") && d.Supports("delete"))
            {
                deletable.Add(d.Resource);
            }
        }

        return deletable;
    }

    /// <summary>The group of an apiVersion (<c>apps/v1</c> → <c>apps</c>, <c>v1</c> → "").</summary>
    public static string GroupOf(string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
