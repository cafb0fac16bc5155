using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// JSON merge patch (RFC 7386), as <c>kubectl label</c>, <c>annotate</c> and <c>scale</c> send it: objects merge
/// recursively, <c>null</c> removes a key, anything else (arrays included) replaces.
/// </summary>
public static class MergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> and returns the result (which may be a new node).</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            var merged = Apply(result[key], value);
            result[key] = merged is not null && merged.Parent is not null ? merged.DeepClone() : merged;
        }

        return result;
    }
}
