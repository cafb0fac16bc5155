using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Words a wrong field type as Go's JSON decoder does, which is what upstream's API server answers:
/// <c>json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32</c> — the JSON
/// kind found, the innermost Go struct, the field path without list indexes, and the Go type expected. Works from the
/// failing path and the model's properties, so it does not depend on .NET's (possibly trimmed) exception text.
/// </summary>
public static partial class GoTypeError
{
    /// <summary>The Go-style message, or null when <paramref name="path"/> cannot be followed through the model.</summary>
    public static string? Describe(Type model, JsonNode root, string? path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var type = model;
        var owner = model;
        JsonNode? node = root;
        var fields = new List<string>();
        foreach (Match m in Segment().Matches(path))
        {
            if (m.Groups["index"].Success)
            {
                node = node is JsonArray a && int.TryParse(m.Groups["index"].ValueSpan, out var i) && i < a.Count ? a[i] : null;
                type = ElementType(type) ?? type;
                continue;
            }

            var name = m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["quoted"].Value;
            if (MapOf(type) is { } map)
            {
                // A map key is not a field: Go names the map's field and its value type.
                node = node is JsonObject entries ? entries[name] : null;
                type = map.GetGenericArguments()[1];
                continue;
            }

            var property = Unwrap(type).GetProperties().FirstOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == name);
            if (property is null)
            {
                return null;
            }

            owner = Unwrap(type);
            type = property.PropertyType;
            fields.Add(name);
            node = node is JsonObject o ? o[name] : null;
        }

        if (fields.Count == 0)
        {
            return null;
        }

        return $"json: cannot unmarshal {JsonKind(node)} into Go struct field {StructName(owner)}.{string.Join('.', fields)} of type {GoName(type)}";
    }

    private static string JsonKind(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "value",
    };

    private static Type Unwrap(Type t) => Nullable.GetUnderlyingType(t) ?? t;

    private static Type? ElementType(Type t) =>
        t.IsArray ? t.GetElementType()
        : t.IsGenericType && t.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[0]
        : null;

    private static Type? MapOf(Type t) =>
        Unwrap(t).GetInterfaces().Append(Unwrap(t)).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    // V1DeploymentSpec -> DeploymentSpec; V1beta1Foo -> Foo.
    private static string StructName(Type t) => VersionPrefix().Replace(t.Name, "");

    private static string GoName(Type t)
    {
        t = Unwrap(t);
        if (t == typeof(string))
        {
            return "string";
        }

        if (t == typeof(int))
        {
            return "int32";
        }

        if (t == typeof(long))
        {
            return "int64";
        }

        if (t == typeof(bool))
        {
            return "bool";
        }

        if (t == typeof(double))
        {
            return "float64";
        }

        if (t == typeof(DateTime))
        {
            return "v1.Time";
        }

        if (MapOf(t) is { } map)
        {
            return $"map[{GoName(map.GetGenericArguments()[0])}]{GoName(map.GetGenericArguments()[1])}";
        }

        if (ElementType(t) is { } element)
        {
            return "[]" + GoName(element);
        }

        var version = VersionPrefix().Match(t.Name);
        return version.Success ? $"{version.Value.ToLowerInvariant()}.{t.Name[version.Length..]}" : t.Name switch
        {
            "IntstrIntOrString" => "intstr.IntOrString",
            "ResourceQuantity" => "resource.Quantity",
            _ => t.Name,
        };
    }

    [GeneratedRegex(@"^V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])")]
    private static partial Regex VersionPrefix();

    // "$.spec.containers[0].image" or "$['odd.name']".
    [GeneratedRegex(@"\.(?<name>[^.\[\]]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex Segment();
}
