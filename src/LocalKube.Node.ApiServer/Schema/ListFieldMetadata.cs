using k8s.Models;

namespace LocalKube.Node.ApiServer.Schema;

/// <summary>
/// How one list or map field of a built-in model merges: the facts upstream's schema records as
/// <c>patchStrategy</c>/<c>patchMergeKey</c> (strategic merge patch) and <c>x-kubernetes-list-type</c>/
/// <c>x-kubernetes-list-map-keys</c> (server-side apply). OpenAPI emits them; the patch and apply engines obey them.
/// </summary>
/// <param name="PatchStrategy">"merge", "retainKeys", "merge,retainKeys" or null (replace).</param>
/// <param name="PatchMergeKey">The element key for merge lists, e.g. "name"; null for primitive lists.</param>
/// <param name="ListType">"atomic", "set" or "map"; null when upstream records none.</param>
/// <param name="ListMapKeys">The keys of a "map" list, e.g. ["containerPort", "protocol"].</param>
public sealed record ListFieldMetadata(
    string? PatchStrategy,
    string? PatchMergeKey,
    string? ListType,
    IReadOnlyList<string>? ListMapKeys)
{
    /// <summary>True when strategic merge patch merges this list element by element (or primitive by value).</summary>
    public bool MergesList => PatchStrategy is not null && PatchStrategy.Split(',').Contains("merge");

    /// <summary>True when strategic merge patch honours <c>$retainKeys</c> on this field.</summary>
    public bool RetainsKeys => PatchStrategy is not null && PatchStrategy.Split(',').Contains("retainKeys");
}

/// <summary>
/// The table of <see cref="ListFieldMetadata"/> for the KubernetesClient model types, keyed by model type and JSON
/// field name. Facts taken from upstream's published API description; only fields with metadata appear.
/// </summary>
public static partial class FieldMetadata
{
    /// <summary>The metadata of <paramref name="jsonName"/> on <paramref name="modelType"/>, or null.</summary>
    public static ListFieldMetadata? Find(Type modelType, string jsonName)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        return Table.TryGetValue((modelType, jsonName), out var meta) ? meta : null;
    }

    /// <summary>Every entry, for OpenAPI and tests.</summary>
    public static IReadOnlyDictionary<(Type Type, string Field), ListFieldMetadata> All => Table;

    // The table itself lives in FieldMetadata.Table.cs.
    private static readonly Dictionary<(Type, string), ListFieldMetadata> Table = BuildTable();
}
