using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Patching;

// $setElementOrder and the order of merged lists (upstream's normalizeElementOrder).
public static partial class StrategicMergePatch
{
    // $setElementOrder/<field>: merge the field's patch list now and order the result by the directive.
    private static void MergeOrderedLists(JsonObject original, JsonObject patch, ModelShape schema, HashSet<string> consumed)
    {
        foreach (var (directiveKey, orderValue) in patch)
        {
            if (!directiveKey.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            consumed.Add(directiveKey);
            if (orderValue is not JsonArray order)
            {
                throw BadArgType("[]interface {}", orderValue);
            }

            var field = ExtractKey(directiveKey, SetElementOrderPrefix);
            var foundOriginal = original.TryGetPropertyValue(field, out var originalNode);
            var foundPatch = patch.TryGetPropertyValue(field, out var patchNode);
            JsonArray? originalList = null;
            JsonArray? patchList = null;
            if (foundOriginal)
            {
                originalList = originalNode as JsonArray ?? throw BadArgType("[]interface {}", originalNode);
            }

            if (foundPatch)
            {
                patchList = patchNode as JsonArray ?? throw BadArgType("[]interface {}", patchNode);
            }

            var (element, meta) = LookupSlice(schema, field);
            var (_, strategy) = Strategy(meta);
            var mergeKey = meta?.PatchMergeKey;
            if (string.IsNullOrEmpty(mergeKey) && (HasComposite(order) || HasComposite(originalList) || HasComposite(patchList)))
            {
                // Upstream compares object elements of a list without a merge key with Go's == and crashes; the
                // directive is malformed for such a field, so it is rejected as one.
                throw PatchErrors.BadPatchFormatForSetElementOrderList();
            }

            ValidatePatchWithSetOrderList(patchList, order, mergeKey);

            // The live order, before merging changes the list.
            List<JsonNode?> originalItems = originalList is null ? [] : [.. originalList];
            List<JsonNode?> patchItemsBefore = patchList is null ? [] : [.. patchList];
            List<JsonNode?> merged;
            if (foundOriginal && !foundPatch)
            {
                merged = [.. originalList!];
            }
            else if (!foundOriginal && foundPatch)
            {
                var copy = (JsonArray)patchList!.DeepClone();
                RemoveDirectives(copy, out _);
                merged = [.. copy];
                copy.Clear();
            }
            else if (foundOriginal && foundPatch)
            {
                var result = MergeSliceHandler(originalList!, patchList!, element, strategy, mergeKey, isDeleteList: false);
                merged = [.. result];
                result.Clear();
                consumed.Add(field);
            }
            else
            {
                continue;
            }

            var kind = SliceElementType(originalItems, patchItemsBefore);
            var (patchItems, serverOnly) = Partition(merged, [.. order], mergeKey);
            var ordered = NormalizeElementOrder(patchItems, serverOnly, [.. order], originalItems, mergeKey, kind);
            original[field] = Rebuild(originalList, ordered);
            consumed.Add(field);
        }
    }

    private static void ValidatePatchWithSetOrderList(JsonArray? patchList, JsonArray order, string? mergeKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
        {
            return;
        }

        List<JsonNode?> nonDelete = string.IsNullOrEmpty(mergeKey) ? [.. patchList] : ExtractToDeleteItems([.. patchList]).NonDelete;
        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < nonDelete.Count && orderIndex < order.Count)
        {
            if (nonDelete[patchIndex] is JsonObject o && o.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }

            if (MergeKeyValueEqual(nonDelete[patchIndex], order[orderIndex], mergeKey))
            {
                patchIndex++;
            }

            orderIndex++;
        }

        if (patchIndex < nonDelete.Count && orderIndex >= order.Count)
        {
            throw PatchErrors.Unconverted(
                $"the order in patch list:\n{GoJson.Format(patchList)}\n doesn't match {SetElementOrderPrefix} list:\n{GoJson.Format(order)}");
        }
    }

    // Items whose key (or value) is in the patch list come first in the patch's order; the server-only items keep
    // their live order and are interleaved by their live positions (upstream's normalizeElementOrder).
    private static (List<JsonNode?> PatchItems, List<JsonNode?> ServerOnly) Partition(List<JsonNode?> merged, List<JsonNode?> by, string? mergeKey)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in by)
        {
            if (string.IsNullOrEmpty(mergeKey))
            {
                present.Add(CanonicalKey(item));
            }
            else if (item is JsonObject o && o.TryGetPropertyValue(mergeKey, out var v))
            {
                present.Add(CanonicalKey(v));
            }
        }

        var patchItems = new List<JsonNode?>();
        var serverOnly = new List<JsonNode?>();
        foreach (var item in merged)
        {
            string key;
            if (string.IsNullOrEmpty(mergeKey))
            {
                key = CanonicalKey(item);
            }
            else
            {
                var map = item as JsonObject ?? throw BadArgType("map[string]interface {}", item);
                if (!map.TryGetPropertyValue(mergeKey, out var v))
                {
                    throw NoMergeKey(map, mergeKey);
                }

                key = CanonicalKey(v);
            }

            (present.Contains(key) ? patchItems : serverOnly).Add(item);
        }

        return (patchItems, serverOnly);
    }

    private static List<JsonNode?> NormalizeElementOrder(List<JsonNode?> patchItems, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder,
        List<JsonNode?> serverOrder, string? mergeKey, ElementKind kind)
    {
        patchItems = NormalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
        serverOnly = NormalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
        var serverIndex = IndexByKey(serverOrder, kind == ElementKind.Map ? mergeKey : null, checkMaps: false);
        int Position(JsonNode? item) => serverIndex.TryGetValue(ItemKey(item, kind == ElementKind.Map ? mergeKey : null), out var i) ? i : -1;

        var result = new List<JsonNode?>(patchItems.Count + serverOnly.Count);
        int l = 0, r = 0;
        while (l < serverOnly.Count || r < patchItems.Count)
        {
            if (l >= serverOnly.Count)
            {
                result.Add(patchItems[r++]);
            }
            else if (r >= patchItems.Count)
            {
                result.Add(serverOnly[l++]);
            }
            else
            {
                var li = Position(serverOnly[l]);
                var ri = Position(patchItems[r]);
                if (li >= 0 && ri >= 0 && li < ri)
                {
                    result.Add(serverOnly[l++]);
                }
                else
                {
                    result.Add(patchItems[r++]);
                }
            }
        }

        return result;
    }

    private static List<JsonNode?> NormalizeSliceOrder(List<JsonNode?> toSort, List<JsonNode?> order, string? mergeKey, ElementKind kind)
    {
        var key = kind == ElementKind.Map ? mergeKey : null;
        List<JsonNode?> deletes = [];
        if (kind == ElementKind.Map)
        {
            ValidateMergeKeyInLists(mergeKey!, toSort, order);
            (toSort, deletes) = ExtractToDeleteItems(toSort);
        }

        var index = IndexByKey(order, key, checkMaps: false);
        var sorted = toSort
            .Select((item, position) => (item, position, at: index.TryGetValue(ItemKey(item, key), out var i) ? i : int.MaxValue))
            .OrderBy(x => x.at)
            .ThenBy(x => x.position)
            .Select(x => x.item)
            .ToList();
        sorted.AddRange(deletes);
        return sorted;
    }
}
