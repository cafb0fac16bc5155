using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>What a JSON value of a model property is, as Go's reflection would see the upstream field.</summary>
public enum ShapeKind
{
    /// <summary>A model class (Go struct) with JSON-named properties.</summary>
    Struct,

    /// <summary>A dictionary (Go map).</summary>
    Map,

    /// <summary>A list (Go slice).</summary>
    List,

    /// <summary>A scalar: string, number, bool, date, quantity, int-or-string.</summary>
    Primitive,

    /// <summary>Free-form JSON (<c>object</c>: RawExtension, FieldsV1): a Go struct with no JSON fields.</summary>
    Opaque,
}

/// <summary>
/// The shape of one model type for patching: for structs, each JSON property's shape and its merge metadata
/// (<see cref="FieldMetadata"/>); for lists and maps, the element shape. Built by reflection over the
/// KubernetesClient models' <see cref="JsonPropertyNameAttribute"/>s, lazily and cached per type.
/// </summary>
public sealed partial class ModelShape
{
    private static readonly ConcurrentDictionary<Type, ModelShape> Cache = new();
    private readonly Lazy<Dictionary<string, (ModelShape Shape, ListFieldMetadata? Meta)>>? _fields;
    private readonly Lazy<ModelShape>? _element;

    private ModelShape(Type type, ShapeKind kind, string goName, Type? elementType)
    {
        Type = type;
        Kind = kind;
        GoName = goName;
        if (kind == ShapeKind.Struct)
        {
            _fields = new Lazy<Dictionary<string, (ModelShape, ListFieldMetadata?)>>(() => ReadFields(type));
        }

        if (elementType is not null)
        {
            _element = new Lazy<ModelShape>(() => For(elementType));
        }
    }

    /// <summary>The CLR type.</summary>
    public Type Type { get; }

    /// <summary>The kind.</summary>
    public ShapeKind Kind { get; }

    /// <summary>Upstream's Go type name (<c>PodSpec</c> for <c>V1PodSpec</c>), used in error messages.</summary>
    public string GoName { get; }

    /// <summary>The element shape of a list or the value shape of a map.</summary>
    public ModelShape? Element => _element?.Value;

    /// <summary>Go's <c>reflect.Kind</c> name, for error messages.</summary>
    public string GoKind => Kind switch
    {
        ShapeKind.Struct or ShapeKind.Opaque => "struct",
        ShapeKind.Map => "map",
        ShapeKind.List => "slice",
        _ => "string",
    };

    /// <summary>The shape of <paramref name="type"/> (cached).</summary>
    public static ModelShape For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Cache.GetOrAdd(type, Create);
    }

    /// <summary>The property named <paramref name="jsonName"/> of a struct shape, or false.</summary>
    public bool TryGetField(string jsonName, out ModelShape shape, out ListFieldMetadata? meta)
    {
        if (_fields is not null)
        {
            var fields = _fields.Value;
            if (fields.TryGetValue(jsonName, out var hit))
            {
                (shape, meta) = hit;
                return true;
            }

            // Go's encoding/json falls back to a case-insensitive match, and so does upstream's lookup.
            foreach (var (name, value) in fields)
            {
                if (string.Equals(name, jsonName, StringComparison.OrdinalIgnoreCase))
                {
                    (shape, meta) = value;
                    return true;
                }
            }
        }

        shape = null!;
        meta = null;
        return false;
    }

    private static ModelShape Create(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(object) || t == typeof(System.Text.Json.JsonElement) || typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(t))
        {
            return new ModelShape(t, ShapeKind.Opaque, "RawExtension", null);
        }

        if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset)
            || t == typeof(byte[]) || t.GetCustomAttribute<JsonConverterAttribute>() is not null)
        {
            return new ModelShape(t, ShapeKind.Primitive, t.Name, null);
        }

        var dictionary = FindGeneric(t, typeof(IDictionary<,>));
        if (dictionary is not null)
        {
            return new ModelShape(t, ShapeKind.Map, "map", dictionary.GetGenericArguments()[1]);
        }

        var list = FindGeneric(t, typeof(IEnumerable<>));
        if (list is not null)
        {
            return new ModelShape(t, ShapeKind.List, "slice", list.GetGenericArguments()[0]);
        }

        return new ModelShape(t, ShapeKind.Struct, GoTypeName(t.Name), null);
    }

    private static Type? FindGeneric(Type t, Type definition)
    {
        if (t.IsGenericType && t.GetGenericTypeDefinition() == definition)
        {
            return t;
        }

        return t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
    }

    private static Dictionary<string, (ModelShape, ListFieldMetadata?)> ReadFields(Type type)
    {
        var fields = new Dictionary<string, (ModelShape, ListFieldMetadata?)>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var shape = property.PropertyType == typeof(object) && name == "fieldsV1"
                ? new ModelShape(typeof(object), ShapeKind.Opaque, "FieldsV1", null)
                : For(property.PropertyType);
            fields[name] = (shape, FieldMetadata.Find(type, name));
        }

        return fields;
    }

    // V1PodSpec -> PodSpec, V1beta1CSIStorageCapacity -> CSIStorageCapacity, V2HorizontalPodAutoscaler -> HorizontalPodAutoscaler.
    private static string GoTypeName(string clrName) => VersionPrefix().Replace(clrName, "");

    [GeneratedRegex("^V[0-9]+((alpha|beta)[0-9]+)?(?=[A-Z])")]
    private static partial Regex VersionPrefix();
}
