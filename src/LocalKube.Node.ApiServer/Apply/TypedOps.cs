using System.Globalization;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>A value that cannot be walked with its schema (a map-list element without its key, a duplicate).</summary>
public sealed class ApplySchemaException(string message) : Exception(message);

/// <summary>What changed between two objects, as path sets (upstream's <c>typed.Comparison</c>).</summary>
/// <param name="Added">Paths present only in the new object (containers included).</param>
/// <param name="Modified">Leaves whose value changed.</param>
/// <param name="Removed">Paths present only in the old object.</param>
public sealed record Comparison(FieldSet Added, FieldSet Modified, FieldSet Removed);

/// <summary>
/// The schema-aware walks of structured-merge-diff over JSON trees: the field set of a value, merging an applied
/// configuration into a live object, comparing two objects, and removing items. Empty or null containers on both
/// sides count as leaves, as upstream does, so <c>data: {}</c> is a field of its own.
/// </summary>
public static class TypedOps
{
    /// <summary>The set of fields <paramref name="value"/> specifies (upstream's <c>ToFieldSet</c>).</summary>
    public static FieldSet ToFieldSet(JsonObject value, ApplySchema schema)
    {
        ArgumentNullException.ThrowIfNull(value);
        var set = new FieldSet();
        WalkChildren(value, schema, set, "");
        return set;
    }

    /// <summary>Merges <paramref name="config"/> into <paramref name="live"/> (neither is changed).</summary>
    public static JsonObject Merge(JsonObject live, JsonObject config, ApplySchema schema)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(config);
        return (JsonObject)MergeValue(live, true, config, true, schema, "")!;
    }

    /// <summary>Compares <paramref name="oldValue"/> with <paramref name="newValue"/>.</summary>
    public static Comparison Compare(JsonObject oldValue, JsonObject newValue, ApplySchema schema)
    {
        ArgumentNullException.ThrowIfNull(oldValue);
        ArgumentNullException.ThrowIfNull(newValue);
        var c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareObjects(oldValue, newValue, schema, c.Added, c.Modified, c.Removed, "");
        return c;
    }

    /// <summary>Removes every member of <paramref name="items"/> (with what is under it) from <paramref name="value"/>, in place.</summary>
    public static void RemoveItems(JsonObject value, FieldSet items, ApplySchema schema)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(items);
        RemoveFrom(value, items, schema, "");
    }

    /// <summary>The step key of list element <paramref name="index"/>: <c>k:{..}</c>, <c>v:..</c> or <c>i:n</c>.</summary>
    public static string ElementKey(ApplySchema list, JsonNode? element, int index, string path)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.ListType == "set")
        {
            return "v:" + (element?.ToJsonString(FieldSet.KeyJson) ?? "null");
        }

        if (list.ListType != "map")
        {
            return "i:" + index.ToString(CultureInfo.InvariantCulture);
        }

        if (element is not JsonObject obj)
        {
            throw new ApplySchemaException($"{path}: element {index}: associative list with keys may only contain objects");
        }

        var key = new JsonObject();
        foreach (var name in list.Keys.Order(StringComparer.Ordinal))
        {
            if (obj[name] is { } v)
            {
                key[name] = v.DeepClone();
            }
            else if (name == "protocol")
            {
                // The one key field upstream's schema gives a default (ports: TCP).
                key[name] = "TCP";
            }
            else
            {
                throw new ApplySchemaException(
                    $"{path}: element {index}: associative list with keys has an element that omits key field \"{name}\" (and doesn't have default value)");
            }
        }

        return "k:" + key.ToJsonString(FieldSet.KeyJson);
    }

    private static bool Granular(ApplySchema s) => !s.Atomic && s.Kind is SchemaKind.Struct or SchemaKind.Map or SchemaKind.Untyped;

    private static bool GranularList(ApplySchema s) => s.Kind == SchemaKind.List && s.ListType is "set" or "map";

    private static void WalkChildren(JsonObject obj, ApplySchema schema, FieldSet node, string path)
    {
        foreach (var (k, v) in obj)
        {
            Walk(v, schema.Field(k), node.Child("f:" + k), path + "." + k);
        }
    }

    private static void Walk(JsonNode? value, ApplySchema schema, FieldSet node, string path)
    {
        if (value is JsonObject { Count: > 0 } obj && Granular(schema))
        {
            WalkChildren(obj, schema, node, path);
        }
        else if (value is JsonArray { Count: > 0 } array && GranularList(schema))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var key = ElementKey(schema, array[i], i, path);
                if (!seen.Add(key))
                {
                    throw new ApplySchemaException($"{path}: duplicate entries for key {FieldSet.Describe([key])}");
                }

                var child = node.Child(key);
                child.Member = true;
                if (schema.ListType == "map" && array[i] is JsonObject element)
                {
                    WalkChildren(element, schema.Element ?? ApplySchema.Untyped, child, path + FieldSet.Describe([key]));
                }
            }
        }
        else
        {
            node.Member = true;
        }
    }

    private static JsonNode? MergeValue(JsonNode? l, bool lHas, JsonNode? r, bool rHas, ApplySchema schema, string path)
    {
        if (!rHas)
        {
            return l?.DeepClone();
        }

        if (!lHas)
        {
            return r?.DeepClone();
        }

        if (l is JsonObject lo && r is JsonObject ro && Granular(schema) && (lo.Count > 0 || ro.Count > 0))
        {
            var result = new JsonObject();
            foreach (var (k, lv) in lo)
            {
                var rHasK = ro.TryGetPropertyValue(k, out var rv);
                if (rHasK && rv is null)
                {
                    continue; // an explicit null in the configuration removes the field
                }

                result[k] = MergeValue(lv, true, rv, rHasK, schema.Field(k), path + "." + k);
            }

            foreach (var (k, rv) in ro)
            {
                if (!lo.ContainsKey(k) && rv is not null)
                {
                    result[k] = rv.DeepClone();
                }
            }

            return result;
        }

        if (l is JsonArray la && r is JsonArray ra && GranularList(schema) && (la.Count > 0 || ra.Count > 0))
        {
            return MergeList(la, ra, schema, path);
        }

        return r?.DeepClone();
    }

    // Upstream's order: shared items in the configuration's order, live-only items kept where they were.
    private static JsonArray MergeList(JsonArray lhs, JsonArray rhs, ApplySchema schema, string path)
    {
        var (lOrder, lItems) = Index(lhs, schema, path);
        var (rOrder, rItems) = Index(rhs, schema, path);
        var shared = new Queue<string>(rOrder.Where(lItems.ContainsKey));
        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var element = schema.Element ?? ApplySchema.Untyped;
        var output = new JsonArray();
        int li = 0, ri = 0;
        while (li < lOrder.Count || ri < rOrder.Count)
        {
            if (li < lOrder.Count && ri < rOrder.Count)
            {
                var pe = lOrder[li];
                if (pe == rOrder[ri])
                {
                    output.Add(MergeValue(lItems[pe], true, rItems[pe], true, element, path));
                    li++;
                    ri++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }

                if (rItems.ContainsKey(pe) && nextShared is not null && nextShared != pe)
                {
                    li++;
                    continue;
                }
            }

            if (li < lOrder.Count && !rItems.ContainsKey(lOrder[li]))
            {
                output.Add(lItems[lOrder[li]]?.DeepClone());
                li++;
                continue;
            }

            if (ri < rOrder.Count)
            {
                var pe = rOrder[ri];
                var lHas = lItems.TryGetValue(pe, out var lc);
                output.Add(MergeValue(lc, lHas, rItems[pe], true, element, path));
                ri++;
                if (nextShared == pe)
                {
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                }
            }
            else
            {
                li++;
            }
        }

        return output;
    }

    private static (List<string> Order, Dictionary<string, JsonNode?> Items) Index(JsonArray array, ApplySchema schema, string path)
    {
        var order = new List<string>(array.Count);
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var key = ElementKey(schema, array[i], i, path);
            if (items.TryAdd(key, array[i]))
            {
                order.Add(key);
            }
        }

        return (order, items);
    }

    private static void CompareObjects(JsonObject l, JsonObject r, ApplySchema schema, FieldSet added, FieldSet modified, FieldSet removed, string path)
    {
        foreach (var (k, lv) in l)
        {
            var rHas = r.TryGetPropertyValue(k, out var rv);
            var step = "f:" + k;
            CompareValue(lv, true, rv, rHas, schema.Field(k), added.Child(step), modified.Child(step), removed.Child(step), path + "." + k);
        }

        foreach (var (k, rv) in r)
        {
            if (!l.ContainsKey(k))
            {
                var step = "f:" + k;
                CompareValue(null, false, rv, true, schema.Field(k), added.Child(step), modified.Child(step), removed.Child(step), path + "." + k);
            }
        }
    }

    private static void CompareValue(JsonNode? l, bool lHas, JsonNode? r, bool rHas, ApplySchema schema, FieldSet added, FieldSet modified, FieldSet removed, string path)
    {
        var lObj = lHas ? l as JsonObject : new JsonObject();
        var rObj = rHas ? r as JsonObject : new JsonObject();
        if (lObj is not null && rObj is not null && Granular(schema) && (lObj.Count > 0 || rObj.Count > 0))
        {
            // Upstream's Go structs always exist (zero values), so only maps and free-form objects are "added".
            added.Member |= !lHas && schema.Kind != SchemaKind.Struct;
            removed.Member |= !rHas;
            CompareObjects(lObj, rObj, schema, added, modified, removed, path);
            return;
        }

        var lArr = lHas ? l as JsonArray : [];
        var rArr = rHas ? r as JsonArray : [];
        if (lArr is not null && rArr is not null && GranularList(schema) && (lArr.Count > 0 || rArr.Count > 0))
        {
            // A granular list is not a field of its own: only its elements are added or removed.
            removed.Member |= !rHas;
            var (lOrder, lItems) = Index(lArr, schema, path);
            var (rOrder, rItems) = Index(rArr, schema, path);
            var element = schema.Element ?? ApplySchema.Untyped;
            foreach (var key in lOrder.Concat(rOrder.Where(k => !lItems.ContainsKey(k))))
            {
                var lIn = lItems.TryGetValue(key, out var lc);
                var rIn = rItems.TryGetValue(key, out var rc);
                if (schema.ListType == "map")
                {
                    CompareValue(lc, lIn, rc, rIn, element, added.Child(key), modified.Child(key), removed.Child(key), path);
                }

                // Elements are items of their own, whatever their type.
                added.Child(key).Member |= !lIn;
                removed.Child(key).Member |= !rIn;
            }

            return;
        }

        if (!lHas && rHas)
        {
            added.Member = true;
        }
        else if (lHas && !rHas)
        {
            removed.Member = true;
        }
        else if (lHas && rHas && !JsonNode.DeepEquals(l, r))
        {
            modified.Member = true;
        }
    }

    private static void RemoveFrom(JsonNode? value, FieldSet items, ApplySchema schema, string path)
    {
        if (value is JsonObject obj)
        {
            foreach (var (k, child) in items.Children)
            {
                if (!k.StartsWith("f:", StringComparison.Ordinal))
                {
                    continue;
                }

                var name = k[2..];
                if (!obj.ContainsKey(name))
                {
                    continue;
                }

                if (child.Member)
                {
                    obj.Remove(name);
                }
                else
                {
                    RemoveFrom(obj[name], child, schema.Field(name), path + "." + name);
                }
            }
        }
        else if (value is JsonArray array && schema.Kind == SchemaKind.List)
        {
            for (var i = array.Count - 1; i >= 0; i--)
            {
                var key = ElementKey(schema, array[i], i, path);
                if (items.Find(key) is not { } child)
                {
                    continue;
                }

                if (child.Member)
                {
                    array.RemoveAt(i);
                }
                else
                {
                    RemoveFrom(array[i], child, schema.Element ?? ApplySchema.Untyped, path);
                }
            }
        }
    }
}
