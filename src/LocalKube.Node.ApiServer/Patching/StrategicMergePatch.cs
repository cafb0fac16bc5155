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
}
