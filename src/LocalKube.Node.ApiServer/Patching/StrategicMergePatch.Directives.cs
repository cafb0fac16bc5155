using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Patching;

// The directives inside maps: $patch, $retainKeys and the field-name prefixes, and their removal from values set whole.
public static partial class StrategicMergePatch
{
    private static JsonObject HandleDirectiveInMap(JsonNode? directive, JsonObject patch)
    {
        if (IsString(directive, ReplaceDirective))
        {
            var replacement = new JsonObject();
            foreach (var (key, value) in patch)
            {
                if (key != DirectiveMarker)
                {
                    replacement[key] = value?.DeepClone();
                }
            }

            return replacement;
        }

        if (IsString(directive, DeleteDirective))
        {
            return [];
        }

        throw BadPatchType(directive, patch);
    }

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch, HashSet<string> consumed)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
        {
            return;
        }

        consumed.Add(RetainKeysDirective);
        if (retain is not JsonArray list)
        {
            throw PatchErrors.BadPatchFormatForRetainKeys();
        }

        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            keep.Add(CanonicalKey(item));
        }

        foreach (var (key, value) in patch)
        {
            if (value is null || key == RetainKeysDirective
                || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)
                || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!keep.Contains(StringKey(key)))
            {
                throw PatchErrors.BadPatchFormatForRetainKeys();
            }
        }

        foreach (var key in original.Select(p => p.Key).ToList())
        {
            if (!keep.Contains(StringKey(key)))
            {
                original.Remove(key);
            }
        }
    }

    // Drops maps that carry $patch (and list entries that are such maps); true when the value itself is kept.
    private static bool RemoveDirectives(JsonNode? node, out JsonNode? kept)
    {
        kept = node;
        switch (node)
        {
            case JsonObject map:
                if (map.ContainsKey(DirectiveMarker))
                {
                    return false;
                }

                foreach (var (key, value) in map.ToList())
                {
                    if (!RemoveDirectives(value, out _))
                    {
                        map.Remove(key);
                    }
                }

                return true;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (!RemoveDirectives(list[i], out _))
                    {
                        list.RemoveAt(i);
                        i--;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static void DiscardNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map.ToList())
                {
                    if (value is null)
                    {
                        map.Remove(key);
                    }
                    else
                    {
                        DiscardNulls(value);
                    }
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    DiscardNulls(item);
                }

                break;
        }
    }

    private static string ExtractKey(string s, string prefix)
    {
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || s[..slash] != prefix)
        {
            throw prefix == DeleteFromPrimitiveListPrefix ? PatchErrors.BadPatchFormatForPrimitiveList() : PatchErrors.BadPatchFormatForSetElementOrderList();
        }

        return s[(slash + 1)..];
    }

    private static bool IsString(JsonNode? node, string value) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == value;
}
