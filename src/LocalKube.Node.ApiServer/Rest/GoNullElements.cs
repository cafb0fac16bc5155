using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Go decodes <c>null</c> inside a list as the element's zero value (<c>"env":[null]</c> is one EnvVar with no name,
/// which validation then refuses with a 422); .NET would put a null element in the list, which no strategy expects.
/// This replaces such nulls (and null map values) in a request body with the zero value of the model's element type
/// before decoding.
/// </summary>
public static class GoNullElements
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Type>> Fields = new();

    /// <summary>Replaces null list elements under <paramref name="node"/>, which is decoded as <paramref name="type"/>.</summary>
    public static void Replace(JsonNode? node, Type type) => Walk(node, type, 0);

    private static void Walk(JsonNode? node, Type type, int depth)
    {
        if (node is null || depth > ObjectCodec.MaxDepth)
        {
            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (node is JsonArray array && ElementType(type) is { } element)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is null)
                {
                    array[i] = Zero(element);
                }
                else
                {
                    Walk(array[i], element, depth + 1);
                }
            }
        }
        else if (node is JsonObject obj && type.IsClass && type != typeof(string) && !type.IsGenericType)
        {
            var fields = Fields.GetOrAdd(type, t => t.GetProperties()
                .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
                .Where(p => p.Name is not null).GroupBy(p => p.Name!).ToDictionary(g => g.Key, g => g.First().PropertyType, StringComparer.Ordinal));
            foreach (var (key, child) in obj)
            {
                if (fields.TryGetValue(key, out var childType))
                {
                    Walk(child, childType, depth + 1);
                }
            }
        }
        else if (node is JsonObject map && MapValue(type) is { } value)
        {
            foreach (var (key, child) in map.ToList())
            {
                if (child is null)
                {
                    map[key] = Zero(value); // a map value too: {"a":null} into map[string]string is "a": ""
                }
                else
                {
                    Walk(child, value, depth + 1);
                }
            }
        }
    }

    private static JsonNode? Zero(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return JsonValue.Create("");
        }

        if (type == typeof(bool))
        {
            return JsonValue.Create(false);
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return JsonValue.Create(0);
        }

        // Structs of the model (IntOrString and Quantity have their own converters: their zero is 0).
        return type.Namespace == "k8s.Models" && type.GetConstructor(Type.EmptyTypes) is not null && type.Name is not ("IntOrString" or "ResourceQuantity")
            ? new JsonObject()
            : JsonValue.Create(0);
    }

    private static Type? ElementType(Type t) =>
        t.IsArray ? t.GetElementType()
        : t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(IList<>) || d == typeof(List<>) || d == typeof(IEnumerable<>) || d == typeof(ICollection<>)) ? t.GetGenericArguments()[0]
        : null;

    private static Type? MapValue(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>)) ? t.GetGenericArguments()[1] : null;
}
