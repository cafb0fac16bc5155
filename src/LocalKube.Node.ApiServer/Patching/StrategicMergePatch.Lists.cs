using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Patching;

// Lists: replaced, or under the merge strategy merged by merge key (object lists) or as a union (primitive lists).
public static partial class StrategicMergePatch
{
    private static JsonArray MergeSliceHandler(JsonArray original, JsonArray patch, ModelShape element, string strategy, string? mergeKey, bool isDeleteList)
    {
        // Deletion lists are handled the same way whatever the field's strategy.
        if (strategy == MergeDirective || isDeleteList)
        {
            var merged = MergeSlice([.. original], [.. patch], element, mergeKey, isDeleteList);
            return Rebuild(original, merged);
        }

        return (JsonArray)patch.DeepClone();
    }

    private static List<JsonNode?> MergeSlice(List<JsonNode?> original, List<JsonNode?> patch, ModelShape element, string? mergeKey, bool isDeleteList)
    {
        if (original.Count == 0 && patch.Count == 0)
        {
            return original;
        }

        var kind = SliceElementType(original, patch);
        List<JsonNode?> merged;
        if (kind != ElementKind.Map)
        {
            if (isDeleteList)
            {
                var remove = new HashSet<string>(patch.Select(CanonicalKey), StringComparer.Ordinal);
                return original.Where(v => !remove.Contains(CanonicalKey(v))).ToList();
            }

            merged = DistinctScalars(original.Concat(patch));
            mergeKey = null;
        }
        else
        {
            if (string.IsNullOrEmpty(mergeKey))
            {
                throw PatchErrors.Unconverted($"cannot merge lists without merge key for {element.GoKind}");
            }

            (original, patch) = MergeSliceWithSpecialElements(original, patch, mergeKey);
            merged = MergeSliceWithoutSpecialElements(original, patch, mergeKey, element);
        }

        var (patchItems, serverOnly) = Partition(merged, patch, mergeKey);
        return NormalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
    }

    private static (List<JsonNode?> Original, List<JsonNode?> Patch) MergeSliceWithSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey)
    {
        var plain = new List<JsonNode?>(patch.Count);
        var replace = false;
        foreach (var item in patch)
        {
            var map = (JsonObject)item!;
            if (!map.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                plain.Add(item);
                continue;
            }

            if (IsString(directive, DeleteDirective))
            {
                if (!map.TryGetPropertyValue(mergeKey, out var value))
                {
                    throw NoMergeKey(map, mergeKey);
                }

                var key = CanonicalKey(value);
                for (var i = 0; i < original.Count; i++)
                {
                    var candidate = original[i] as JsonObject ?? throw PatchErrors.Unconverted($"value for key {i} is not a map");
                    if (candidate.TryGetPropertyValue(mergeKey, out var v) && CanonicalKey(v) == key)
                    {
                        original.RemoveAt(i);
                        i--;
                    }
                }
            }
            else if (IsString(directive, ReplaceDirective))
            {
                // Keep going to prune the other special elements.
                replace = true;
            }
            else if (IsString(directive, MergeDirective))
            {
                throw PatchErrors.Unconverted("merging lists cannot yet be specified in the patch");
            }
            else
            {
                throw BadPatchType(directive, map);
            }
        }

        return replace ? (plain, []) : (original, plain);
    }

    private static List<JsonNode?> MergeSliceWithoutSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, ModelShape element)
    {
        var merged = new List<JsonNode?>(original);
        Dictionary<string, int>? index = null;
        foreach (var item in patch)
        {
            var map = (JsonObject)item!;
            if (!map.TryGetPropertyValue(mergeKey, out var value))
            {
                throw NoMergeKey(map, mergeKey);
            }

            index ??= IndexByKey(merged, mergeKey, checkMaps: true);
            if (index.TryGetValue(CanonicalKey(value), out var at))
            {
                var target = (JsonObject)merged[at]!;
                var result = MergeMap(target, map, element);
                if (!ReferenceEquals(result, target))
                {
                    merged[at] = result;
                }
            }
            else
            {
                merged.Add(item);
                index.TryAdd(CanonicalKey(value), merged.Count - 1);
            }
        }

        return merged;
    }

    private static void ValidateMergeKeyInLists(string mergeKey, params List<JsonNode?>[] lists)
    {
        foreach (var list in lists)
        {
            foreach (var item in list)
            {
                var map = item as JsonObject ?? throw BadArgType("map[string]interface {}", item);
                if (!map.ContainsKey(mergeKey))
                {
                    throw NoMergeKey(map, mergeKey);
                }
            }
        }
    }

    private static (List<JsonNode?> NonDelete, List<JsonNode?> Delete) ExtractToDeleteItems(List<JsonNode?> list)
    {
        var nonDelete = new List<JsonNode?>(list.Count);
        var delete = new List<JsonNode?>();
        foreach (var item in list)
        {
            var map = item as JsonObject ?? throw BadArgType("map[string]interface {}", item);
            (map.TryGetPropertyValue(DirectiveMarker, out var d) && IsString(d, DeleteDirective) ? delete : nonDelete).Add(item);
        }

        return (nonDelete, delete);
    }

    private static bool MergeKeyValueEqual(JsonNode? left, JsonNode? right, string? mergeKey)
    {
        if (string.IsNullOrEmpty(mergeKey))
        {
            return CanonicalKey(left) == CanonicalKey(right);
        }

        var l = left as JsonObject ?? throw BadArgType("map[string]interface {}", left);
        var r = right as JsonObject ?? throw BadArgType("map[string]interface {}", right);
        if (!l.TryGetPropertyValue(mergeKey, out var lv))
        {
            throw NoMergeKey(l, mergeKey);
        }

        if (!r.TryGetPropertyValue(mergeKey, out var rv))
        {
            throw NoMergeKey(r, mergeKey);
        }

        return CanonicalKey(lv) == CanonicalKey(rv);
    }

    private static Dictionary<string, int> IndexByKey(List<JsonNode?> items, string? mergeKey, bool checkMaps)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (checkMaps && items[i] is not JsonObject)
            {
                throw PatchErrors.Unconverted($"value for key {i} is not a map");
            }

            if (mergeKey is not null && (items[i] is not JsonObject o || !o.ContainsKey(mergeKey)))
            {
                continue;
            }

            index.TryAdd(ItemKey(items[i], mergeKey), i);
        }

        return index;
    }

    private static string ItemKey(JsonNode? item, string? mergeKey) =>
        string.IsNullOrEmpty(mergeKey) ? CanonicalKey(item) : CanonicalKey(item is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v) ? v : null);

    private static JsonArray Rebuild(JsonArray? target, List<JsonNode?> items)
    {
        target?.Clear();
        target ??= [];
        foreach (var item in items)
        {
            // Nodes still parented belong to the patch tree: copy them in.
            target.Add(item is null ? null : item.Parent is null ? item : item.DeepClone());
        }

        return target;
    }
}
