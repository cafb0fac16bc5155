using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>How a value at some position of an object merges and is owned.</summary>
public enum SchemaKind
{
    /// <summary>A scalar: owned as a whole.</summary>
    Scalar,

    /// <summary>A model type: each field owned separately (unless atomic).</summary>
    Struct,

    /// <summary>A string-keyed dictionary: each key owned separately (unless atomic).</summary>
    Map,

    /// <summary>A list: atomic, a set of scalars, or a map keyed by some element fields.</summary>
    List,

    /// <summary>No schema (unknown fields, free-form JSON): objects granular, lists atomic, as upstream's deduced schema.</summary>
    Untyped,
}

/// <summary>
/// The merge schema at one position, derived from the KubernetesClient model types by reflection over
/// <see cref="JsonPropertyNameAttribute"/> and from <see cref="FieldMetadata"/> (list types and map keys). Lists
/// without metadata are atomic; dictionaries granular per key; model types granular per field, except those upstream
/// marks <c>structType=atomic</c> / <c>mapType=atomic</c>. Nodes are built once per type and cached.
/// </summary>
public sealed class ApplySchema
{
    private static readonly ConcurrentDictionary<Type, ApplySchema> Structs = new();
    private static readonly ConcurrentDictionary<(Type, string), ListFieldMetadata?> Fallback = new();

    // Upstream marks these +structType=atomic: owned and replaced as a whole.
    private static readonly HashSet<Type> AtomicStructs =
    [
        typeof(V1LabelSelector), typeof(V1LocalObjectReference), typeof(V1ObjectReference), typeof(V1TypedLocalObjectReference),
        typeof(V1NodeSelector), typeof(V1NodeSelectorTerm), typeof(V1TopologySelectorTerm), typeof(V1SecretReference),
    ];

    // Upstream marks these maps +mapType=atomic.
    private static readonly HashSet<(Type, string)> AtomicMaps =
    [
        (typeof(V1PodSpec), "nodeSelector"), (typeof(V1ServiceSpec), "selector"), (typeof(V1ReplicationControllerSpec), "selector"),
    ];

    // List facts the apply engine needs before the shared table has them (the table wins when it knows the field).
    private static readonly Dictionary<(Type, string), ListFieldMetadata> ListDefaults = new()
    {
        [(typeof(V1ObjectMeta), "finalizers")] = new("merge", null, "set", null),
        [(typeof(V1ObjectMeta), "ownerReferences")] = new("merge", "uid", "map", ["uid"]),
    };

    private readonly Dictionary<string, (PropertyInfo Property, Lazy<ApplySchema> Schema)>? _fields;

    private ApplySchema(SchemaKind kind, Type? type = null, bool atomic = false, ApplySchema? element = null, string listType = "atomic", IReadOnlyList<string>? keys = null)
    {
        Kind = kind;
        ClrType = type;
        Atomic = atomic;
        Element = element;
        ListType = listType;
        Keys = keys ?? [];
        if (kind == SchemaKind.Struct && type is not null)
        {
            _fields = new Dictionary<string, (PropertyInfo, Lazy<ApplySchema>)>(StringComparer.Ordinal);
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
                if (name is not null)
                {
                    var declaring = type;
                    var prop = p;
                    _fields[name] = (p, new Lazy<ApplySchema>(() => ForProperty(declaring, name, prop.PropertyType)));
                }
            }
        }
    }

    /// <summary>Free-form JSON.</summary>
    public static ApplySchema Untyped { get; } = new(SchemaKind.Untyped);

    /// <summary>A scalar.</summary>
    public static ApplySchema Scalar { get; } = new(SchemaKind.Scalar);

    /// <summary>What this position holds.</summary>
    public SchemaKind Kind { get; }

    /// <summary>The model type of a struct.</summary>
    public Type? ClrType { get; }

    /// <summary>Owned and replaced as a whole.</summary>
    public bool Atomic { get; }

    /// <summary>The element schema of a list or map.</summary>
    public ApplySchema? Element { get; }

    /// <summary>"atomic", "set" or "map" for lists.</summary>
    public string ListType { get; }

    /// <summary>The element key fields of a "map" list.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The schema of a model type (cached).</summary>
    public static ApplySchema For(Type modelType)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        return Structs.GetOrAdd(modelType, t => new ApplySchema(SchemaKind.Struct, t, AtomicStructs.Contains(t)));
    }

    /// <summary>The schema of a child: a struct field, a map value, or (untyped) anything.</summary>
    public ApplySchema Field(string name) => Kind switch
    {
        SchemaKind.Struct => _fields is not null && _fields.TryGetValue(name, out var f) ? f.Schema.Value : Untyped,
        SchemaKind.Map => Element ?? Untyped,
        _ => Untyped,
    };

    /// <summary>The list facts for a field: the shared table, then the apply engine's few defaults.</summary>
    public static ListFieldMetadata? ListMetadata(Type declaring, string jsonName) =>
        FieldMetadata.Find(declaring, jsonName) ?? Fallback.GetOrAdd((declaring, jsonName), k => ListDefaults.GetValueOrDefault(k));

    private static ApplySchema ForProperty(Type declaring, string name, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return Scalar;
        }

        if (DictionaryValue(type) is { } value)
        {
            return new ApplySchema(SchemaKind.Map, type, AtomicMaps.Contains((declaring, name)), ForElement(value));
        }

        if (ListElement(type) is { } element)
        {
            var meta = ListMetadata(declaring, name);
            var listType = meta?.ListType ?? "atomic";
            var keys = meta?.ListMapKeys ?? (meta?.PatchMergeKey is { } k ? [k] : []);
            if (listType == "map" && keys.Count == 0)
            {
                listType = "atomic";
            }

            return new ApplySchema(SchemaKind.List, type, listType == "atomic", ForElement(element), listType, keys);
        }

        return type == typeof(object) || type.Namespace != typeof(V1ObjectMeta).Namespace ? Untyped : For(type);
    }

    private static ApplySchema ForElement(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return Scalar;
        }

        if (DictionaryValue(type) is { } value)
        {
            return new ApplySchema(SchemaKind.Map, type, false, ForElement(value));
        }

        if (ListElement(type) is { } element)
        {
            return new ApplySchema(SchemaKind.List, type, true, ForElement(element));
        }

        return type == typeof(object) || type.Namespace != typeof(V1ObjectMeta).Namespace ? Untyped : For(type);
    }

    private static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset)
        || t == typeof(byte[]) || t == typeof(ResourceQuantity) || t == typeof(IntOrString);

    private static Type? DictionaryValue(Type t)
    {
        var dict = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dict?.GetGenericArguments()[0] == typeof(string) ? dict.GetGenericArguments()[1] : null;
    }

    private static Type? ListElement(Type t)
    {
        if (t == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(t) || t == typeof(byte[]))
        {
            return null;
        }

        var list = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? t
            : t.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return list?.GetGenericArguments()[0];
    }
}
