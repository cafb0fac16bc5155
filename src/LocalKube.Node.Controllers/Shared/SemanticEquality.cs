using System.Text.Json.Nodes;
using k8s;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// apimachinery's <c>equality.Semantic.DeepEqual</c> for API objects: structural equality in which a null and an
/// empty slice or map are the same. Compares the JSON encodings with nulls and empty collections pruned.
/// </summary>
public static class SemanticEquality
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are semantically equal.</summary>
    public static bool Equal(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return JsonNode.DeepEquals(Normalize(a), Normalize(b));
    }

    /// <summary>The pruned JSON form of <paramref name="value"/> used for comparisons.</summary>
    public static JsonNode? Normalize(object value) => Prune(JsonNode.Parse(KubernetesJson.Serialize(value)));

    private static JsonNode? Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var pruned = Prune(obj[key]);
                    if (pruned is null)
                    {
                        obj.Remove(key);
                    }
                    else if (!ReferenceEquals(pruned, obj[key]))
                    {
                        obj[key] = pruned;
                    }
                }

                return obj.Count == 0 ? null : obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    // Elements keep their position: an empty element stays, as an empty struct would.
                    if (array[i] is JsonObject or JsonArray)
                    {
                        var pruned = Prune(array[i]);
                        if (pruned is null)
                        {
                            array[i] = new JsonObject();
                        }
                    }
                }

                return array.Count == 0 ? null : array;
            default:
                return node;
        }
    }
}
