using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Patching;

// List elements as Go sees them: their type, and the identity that Go's == compares.
public static partial class StrategicMergePatch
{
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
}
