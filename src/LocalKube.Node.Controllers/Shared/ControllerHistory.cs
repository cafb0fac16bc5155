using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// ControllerRevisions as StatefulSets and DaemonSets keep them (<c>pkg/controller/history</c>): the template saved
/// as a <c>$patch: replace</c> strategic-merge patch, named <c>&lt;owner&gt;-&lt;hash&gt;</c> with an increasing
/// revision number.
/// </summary>
public static class ControllerHistory
{
    /// <summary>The label with a revision's hash.</summary>
    public const string HashLabel = "controller.kubernetes.io/hash";

    /// <summary>
    /// The revision data for a template: <c>{"spec":{"template":{…,"$patch":"replace"}}}</c> in Go's encoding, with
    /// the fields Go always writes for a template (<c>metadata.creationTimestamp: null</c>, containers'
    /// <c>resources: {}</c>) so that kubectl's byte comparison finds an equal template equal.
    /// </summary>
    public static string TemplatePatch(V1PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var node = JsonNode.Parse(KubernetesJson.Serialize(template))!.AsObject();
        var meta = node["metadata"] as JsonObject ?? new JsonObject();
        if (!meta.ContainsKey("creationTimestamp"))
        {
            meta["creationTimestamp"] = null;
        }

        node["metadata"] = meta;
        if (node["spec"] is JsonObject spec)
        {
            foreach (var list in new[] { "containers", "initContainers", "ephemeralContainers" })
            {
                if (spec[list] is JsonArray containers)
                {
                    foreach (var c in containers.OfType<JsonObject>())
                    {
                        if (!c.ContainsKey("resources"))
                        {
                            c["resources"] = new JsonObject();
                        }
                    }
                }
            }
        }

        node["$patch"] = "replace";
        var root = new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
        return SortedJson.Write(root);
    }

    /// <summary>The template held by a revision's data (null when it holds none).</summary>
    public static V1PodTemplateSpec? TemplateOf(V1ControllerRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var text = DataText(revision);
        if (text is null || JsonNode.Parse(text)?["spec"]?["template"] is not JsonObject template)
        {
            return null;
        }

        template.Remove("$patch");
        return KubernetesJson.Deserialize<V1PodTemplateSpec>(template.ToJsonString());
    }

    /// <summary>The revision's data as JSON text.</summary>
    public static string? DataText(V1ControllerRevision revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        return revision.Data switch
        {
            null => null,
            string s => s,
            JsonElement e => e.GetRawText(),
            JsonNode n => n.ToJsonString(),
            var other => KubernetesJson.Serialize(other),
        };
    }

    /// <summary>
    /// <c>HashControllerRevision</c>: FNV-32 (not 32a) of the data bytes, then the collision count in decimal,
    /// safe-encoded. With Go-encoded data this is upstream's hash.
    /// </summary>
    public static string Hash(string data, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(data))
        {
            hash *= 16777619u;
            hash ^= b;
        }

        if (collisionCount is { } probe)
        {
            foreach (var b in Encoding.UTF8.GetBytes(probe.ToString(CultureInfo.InvariantCulture)))
            {
                hash *= 16777619u;
                hash ^= b;
            }
        }

        return TemplateHash.SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>ControllerRevisionName</c>: the owner's name (at most 223 characters), a dash and the hash.</summary>
    public static string Name(string owner, string hash) => (owner.Length > 223 ? owner[..223] : owner) + "-" + hash;

    /// <summary>
    /// <c>NewControllerRevision</c>: labels from the template plus the hash label, a controller reference, the data
    /// and the revision number.
    /// </summary>
    public static V1ControllerRevision New(IKubernetesObject<V1ObjectMeta> owner, V1OwnerReference controllerRef, IDictionary<string, string>? templateLabels, string data, long revision, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var hash = Hash(data, collisionCount);
        var labels = new Dictionary<string, string>(templateLabels ?? new Dictionary<string, string>()) { [HashLabel] = hash };
        return new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = Name(owner.Metadata.Name, hash),
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences = [controllerRef],
            },
            Data = JsonDocument.Parse(data).RootElement.Clone(),
            Revision = revision,
        };
    }

    /// <summary>Sorted by revision, then creation, then name (<c>SortControllerRevisions</c>).</summary>
    public static List<V1ControllerRevision> Sorted(IEnumerable<V1ControllerRevision> revisions)
    {
        var list = revisions.ToList();
        list.Sort((a, b) =>
        {
            var c = (a.Revision ?? 0).CompareTo(b.Revision ?? 0);
            return c != 0 ? c : ObjectOrder.ByCreation(a, b);
        });
        return list;
    }

    /// <summary>Whether two revisions hold the same data (whatever the server's key order).</summary>
    public static bool SameData(V1ControllerRevision a, V1ControllerRevision b) =>
        DataText(a) is { } x && DataText(b) is { } y && SortedJson.Canonical(x) == SortedJson.Canonical(y);

    /// <summary>The next revision number: one past the highest (1 for none).</summary>
    public static long Next(IReadOnlyList<V1ControllerRevision> sorted) => sorted.Count == 0 ? 1 : (sorted[^1].Revision ?? 0) + 1;
}
