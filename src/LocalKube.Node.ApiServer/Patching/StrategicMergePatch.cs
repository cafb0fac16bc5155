using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>
/// Server-side strategic merge patch, with upstream's semantics (apimachinery <c>strategicpatch</c>, applying half):
/// maps merge and <c>null</c> deletes; lists replace unless the field's patch strategy is <c>merge</c>, when object
/// lists merge by the merge key and primitive lists form a union; <c>$patch: replace|delete</c> in maps and list
/// elements, <c>$setElementOrder/&lt;field&gt;</c>, <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/&lt;field&gt;</c>.
/// The field facts come from <see cref="FieldMetadata"/> through <see cref="ModelShape"/>.
/// </summary>
/// <remarks>
/// <paramref name="original"/> trees are changed in place; patch trees are only read (values are cloned in).
/// Errors are <see cref="StatusException"/>s with upstream's codes and wording (<see cref="PatchErrors"/>).
/// </remarks>
public static partial class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string DeleteDirective = "delete";
    private const string ReplaceDirective = "replace";
    private const string MergeDirective = "merge";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
    private const string SetElementOrderPrefix = "$setElementOrder";

    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> (a <paramref name="modelType"/> object).</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, Type modelType)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        return MergeMap(original, patch, ModelShape.For(modelType));
    }

    private static JsonObject MergeMap(JsonObject original, JsonObject patch, ModelShape schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            return HandleDirectiveInMap(directive, patch);
        }

        // Keys of the patch already consumed by the order and retain directives.
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        ApplyRetainKeys(original, patch, consumed);
        MergeOrderedLists(original, patch, schema, consumed);

        foreach (var (patchKey, patchValue) in patch)
        {
            if (consumed.Contains(patchKey))
            {
                continue;
            }

            var key = patchKey;
            var isDeleteList = false;
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                key = ExtractKey(key, DeleteFromPrimitiveListPrefix);
                isDeleteList = true;
            }

            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }

            if (!original.TryGetPropertyValue(key, out var originalValue))
            {
                if (!isDeleteList)
                {
                    SetFromPatch(original, key, patchValue);
                }

                continue;
            }

            if (originalValue is JsonObject originalMap && patchValue is JsonObject patchMap)
            {
                var (sub, meta) = LookupStruct(schema, key);
                var (_, strategy) = Strategy(meta);
                if (strategy == ReplaceDirective)
                {
                    original[key] = patchMap.DeepClone();
                }
                else
                {
                    var merged = MergeMap(originalMap, patchMap, sub);
                    if (!ReferenceEquals(merged, originalMap))
                    {
                        original[key] = merged;
                    }
                }

                continue;
            }

            if (originalValue is JsonArray originalList && patchValue is JsonArray patchList)
            {
                var (element, meta) = LookupSlice(schema, key);
                var (_, strategy) = Strategy(meta);
                var merged = MergeSliceHandler(originalList, patchList, element, strategy, meta?.PatchMergeKey, isDeleteList);
                if (!ReferenceEquals(merged, originalList))
                {
                    original[key] = merged;
                }

                continue;
            }

            // Same Go scalar type: replaced (even under a deletion list, as upstream does); otherwise the types differ.
            if (isDeleteList && GoType(originalValue) != GoType(patchValue))
            {
                continue;
            }

            SetFromPatch(original, key, patchValue);
        }

        return original;
    }

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

    private static void SetFromPatch(JsonObject original, string key, JsonNode patchValue)
    {
        var value = patchValue.DeepClone();
        DiscardNulls(value);
        if (RemoveDirectives(value, out var kept))
        {
            original[key] = kept;
        }
        else
        {
            original.Remove(key);
        }
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

    private static List<JsonNode?> DistinctScalars(IEnumerable<JsonNode?> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return items.Where(i => seen.Add(CanonicalKey(i))).ToList();
    }

    private enum ElementKind
    {
        Map,
        String,
        Int,
        Float,
        Bool,
        Null,
    }

    private static ElementKind SliceElementType(List<JsonNode?> first, List<JsonNode?> second)
    {
        ElementKind? previous = null;
        foreach (var item in first.Concat(second))
        {
            if (item is JsonArray)
            {
                if (previous is null)
                {
                    throw PatchErrors.NoListOfLists();
                }

                throw PatchErrors.Unconverted($"list element types are not identical: {GoJson.Format([first, second])}");
            }

            var kind = KindOf(item);
            if (previous is not null && previous != kind)
            {
                throw PatchErrors.Unconverted($"list element types are not identical: {GoJson.Format([first, second])}");
            }

            previous = kind;
        }

        return previous ?? throw PatchErrors.Unconverted("no elements in any of the given slices");
    }

    private static ElementKind KindOf(JsonNode? item) => item switch
    {
        null => ElementKind.Null,
        JsonObject => ElementKind.Map,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => ElementKind.String,
            JsonValueKind.True or JsonValueKind.False => ElementKind.Bool,
            _ => GoJson.IsInteger(v) ? ElementKind.Int : ElementKind.Float,
        },
        _ => ElementKind.Null,
    };

    private static string GoType(JsonNode? node) => GoJson.TypeName(node);

    // A scalar's identity as Go's == sees it: type and value (int64 80 is not float64 80).
    private static string CanonicalKey(JsonNode? node) => node switch
    {
        null => "z",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => StringKey(v.GetValue<string>()),
            JsonValueKind.True => "b:true",
            JsonValueKind.False => "b:false",
            _ => GoJson.IsInteger(v)
                ? "i:" + long.Parse(v.ToJsonString(), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : "f:" + double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        },
        _ => "j:" + node.ToJsonString(),
    };

    private static string StringKey(string s) => "s:" + s;

    private static bool HasComposite(JsonArray? list) => list is not null && list.Any(i => i is JsonObject or JsonArray);

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

    private static (ModelShape Shape, ListFieldMetadata? Meta) LookupStruct(ModelShape schema, string key)
    {
        if (schema.Kind is ShapeKind.Struct or ShapeKind.Opaque)
        {
            return schema.TryGetField(key, out var shape, out var meta)
                ? (shape, meta)
                : throw PatchErrors.Unconverted($"unable to find api field in struct {schema.GoName} for the json field \"{key}\"");
        }

        throw PatchErrors.Unconverted($"merging an object in json but data type is not struct, instead is: {schema.GoKind}");
    }

    private static (ModelShape Element, ListFieldMetadata? Meta) LookupSlice(ModelShape schema, string key)
    {
        var (shape, meta) = LookupStruct(schema, key);
        return shape.Kind == ShapeKind.List && shape.Element is { } element
            ? (element, meta)
            : throw PatchErrors.Unconverted($"expected slice or array type, but got: {schema.GoKind}");
    }

    // upstream's extractRetainKeysPatchStrategy: at most one strategy besides retainKeys.
    private static (bool RetainKeys, string Strategy) Strategy(ListFieldMetadata? meta)
    {
        var parts = (meta?.PatchStrategy ?? "").Split(',');
        switch (parts.Length)
        {
            case 1:
                return parts[0] == "retainKeys" ? (true, "") : (false, parts[0]);
            case 2 when parts[0] == "retainKeys":
                return (true, parts[1]);
            case 2 when parts[1] == "retainKeys":
                return (true, parts[0]);
            default:
                throw PatchErrors.Unconverted($"unexpected patch strategy: [{string.Join(' ', parts)}]");
        }
    }

    private static bool IsString(JsonNode? node, string value) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == value;

    private static StatusException NoMergeKey(JsonObject map, string key) =>
        PatchErrors.Unconverted($"map: {GoJson.Format(map)} does not contain declared merge key: {key}");

    private static StatusException BadPatchType(JsonNode? directive, JsonObject map) =>
        PatchErrors.Unconverted($"unknown patch type: {GoJson.Format(directive)} in map: {GoJson.Format(map)}");

    private static StatusException BadArgType(string expected, JsonNode? actual) =>
        PatchErrors.Unconverted($"expected a {expected}, but received a {GoJson.TypeName(actual)}");
}
