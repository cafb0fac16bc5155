using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// OpenAPI schemas of the KubernetesClient model types, by reflection: one object schema per model type (properties
/// from <c>[JsonPropertyName]</c>, descriptions from the XML docs, required from non-nullable value types and a
/// short table, list merge facts from <see cref="FieldMetadata"/>, <c>x-kubernetes-group-version-kind</c> on kinds),
/// plus upstream's special types (Time, MicroTime, Quantity, IntOrString, FieldsV1, RawExtension, Patch). Each
/// schema is rendered once and shared by every document. Not thread-safe: the caller builds under a lock.
/// </summary>
public sealed class SchemaBuilder
{
    // Fields upstream marks required that the models cannot show (reference types are all nullable there).
    private static readonly HashSet<(Type, string)> RequiredReferences =
    [
        (typeof(V1PodSpec), "containers"), (typeof(V1Container), "name"), (typeof(V1EphemeralContainer), "name"),
        (typeof(V1EnvVar), "name"), (typeof(V1Volume), "name"), (typeof(V1VolumeMount), "name"),
        (typeof(V1VolumeMount), "mountPath"), (typeof(V1KeyToPath), "key"), (typeof(V1KeyToPath), "path"),
        (typeof(V1ConfigMapKeySelector), "key"), (typeof(V1SecretKeySelector), "key"),
        (typeof(V1LabelSelectorRequirement), "key"), (typeof(V1LabelSelectorRequirement), "operator"),
        (typeof(V1OwnerReference), "apiVersion"), (typeof(V1OwnerReference), "kind"), (typeof(V1OwnerReference), "name"),
        (typeof(V1OwnerReference), "uid"), (typeof(V1DeploymentSpec), "selector"), (typeof(V1DeploymentSpec), "template"),
        (typeof(V1ReplicaSetSpec), "selector"), (typeof(V1StatefulSetSpec), "selector"), (typeof(V1StatefulSetSpec), "template"),
        (typeof(V1DaemonSetSpec), "selector"), (typeof(V1DaemonSetSpec), "template"), (typeof(V1JobSpec), "template"),
        (typeof(V1CronJobSpec), "schedule"), (typeof(V1CronJobSpec), "jobTemplate"), (typeof(V1PolicyRule), "verbs"),
        (typeof(V1RoleBinding), "roleRef"), (typeof(V1ClusterRoleBinding), "roleRef"), (typeof(V1RoleRef), "apiGroup"),
        (typeof(V1RoleRef), "kind"), (typeof(V1RoleRef), "name"), (typeof(Rbacv1Subject), "kind"), (typeof(Rbacv1Subject), "name"),
        (typeof(V1HTTPGetAction), "port"), (typeof(V1TCPSocketAction), "port"), (typeof(V1ExecAction), "command"),
        (typeof(V1Toleration), "key"), (typeof(V1NodeSelectorRequirement), "key"), (typeof(V1NodeSelectorRequirement), "operator"),
        (typeof(V1Condition), "type"), (typeof(V1Condition), "status"), (typeof(V1Condition), "reason"), (typeof(V1Condition), "message"),
    ];

    // DateTime fields that are metav1.MicroTime upstream; every other one is metav1.Time.
    private static readonly HashSet<(Type, string)> MicroTimes =
    [
        (typeof(V1LeaseSpec), "acquireTime"), (typeof(V1LeaseSpec), "renewTime"), (typeof(Corev1Event), "eventTime"),
        (typeof(Eventsv1Event), "eventTime"), (typeof(Corev1EventSeries), "lastObservedTime"),
        (typeof(Eventsv1EventSeries), "lastObservedTime"),
    ];

    private readonly SchemaNames _names;
    private readonly bool _v2;
    private readonly Dictionary<string, Type> _types = [];
    private readonly Dictionary<string, Rendered> _rendered = [];
    private readonly ModelDocs _docs = ModelDocs.Load();

    /// <summary>A builder of OpenAPI v3 schemas (<c>#/components/schemas/</c>) or, with <paramref name="v2"/>, Swagger 2.0 definitions.</summary>
    public SchemaBuilder(SchemaNames names, bool v2)
    {
        _names = names ?? throw new ArgumentNullException(nameof(names));
        _v2 = v2;
    }

    /// <summary>The <c>$ref</c> of a definition name.</summary>
    public string Ref(string name) => (_v2 ? "#/definitions/" : "#/components/schemas/") + name;

    /// <summary>The definition name of a model type, registering it for <see cref="Closure"/>.</summary>
    public string NameOf(Type type)
    {
        var name = _names.Of(type);
        _types.TryAdd(name, type);
        return name;
    }

    /// <summary>Every schema reachable from <paramref name="roots"/> (definition names), sorted by name, as JSON text.</summary>
    public SortedDictionary<string, string> Closure(IEnumerable<string> roots)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>(roots);
        while (queue.TryDequeue(out var name))
        {
            if (result.ContainsKey(name))
            {
                continue;
            }

            var rendered = Render(name);
            result[name] = rendered.Json;
            foreach (var reference in rendered.Refs)
            {
                queue.Enqueue(reference);
            }
        }

        return result;
    }

    private Rendered Render(string name)
    {
        if (_rendered.TryGetValue(name, out var done))
        {
            return done;
        }

        var refs = new List<string>();
        var schema = Special(name) ?? (_types.TryGetValue(name, out var type) ? TypeSchema(type, refs) : new JsonObject { ["type"] = "object" });
        done = new Rendered(schema.ToJsonString(), refs);
        _rendered[name] = done;
        return done;
    }

    private JsonObject TypeSchema(Type type, List<string> refs)
    {
        var schema = new JsonObject();
        if (_docs.Of(type) is { } description)
        {
            schema["description"] = description;
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        var entity = SchemaNames.Entity(type);
        foreach (var (json, property) in SchemaNames.Properties(type))
        {
            var value = Value(type, json, property.PropertyType, refs);
            if (_docs.Of(property) is { } text)
            {
                value["description"] = text;
            }

            if (FieldMetadata.Find(type, json) is { } meta)
            {
                if (meta.PatchMergeKey is not null)
                {
                    value["x-kubernetes-patch-merge-key"] = meta.PatchMergeKey;
                }

                if (meta.PatchStrategy is not null)
                {
                    value["x-kubernetes-patch-strategy"] = meta.PatchStrategy;
                }

                if (meta.ListMapKeys is { Count: > 0 } keys)
                {
                    value["x-kubernetes-list-map-keys"] = new JsonArray(keys.Select(k => (JsonNode?)k).ToArray());
                }

                if (meta.ListType is not null)
                {
                    value["x-kubernetes-list-type"] = meta.ListType;
                }
            }

            properties[json] = _v2 ? value : WrapRef(value);
            var valueType = property.PropertyType;
            var requiredValue = valueType.IsValueType && Nullable.GetUnderlyingType(valueType) is null;
            var listItems = entity is not null && entity.Kind.EndsWith("List", StringComparison.Ordinal) && json == "items";
            if (requiredValue || listItems || RequiredReferences.Contains((type, json)))
            {
                required.Add(json);
            }
        }

        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        schema["type"] = "object";
        if (entity is not null)
        {
            var meta = _names.Of(type).StartsWith("io.k8s.apimachinery.", StringComparison.Ordinal);
            schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
            {
                ["group"] = meta ? "" : entity.Group,
                ["kind"] = entity.Kind,
                ["version"] = meta ? "v1" : entity.ApiVersion,
            });
        }

        return schema;
    }

    private JsonObject Value(Type owner, string json, Type type, List<string> refs)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(byte[]))
        {
            return new JsonObject { ["format"] = "byte", ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["format"] = type == typeof(int) ? "int32" : "int64", ["type"] = "integer" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["format"] = type == typeof(double) ? "double" : "float", ["type"] = "number" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return RefTo(MicroTimes.Contains((owner, json)) ? SchemaNames.MicroTime : SchemaNames.Time, refs);
        }

        if (type == typeof(ResourceQuantity))
        {
            return RefTo(SchemaNames.Quantity, refs);
        }

        if (type == typeof(IntOrString))
        {
            return RefTo(SchemaNames.IntOrString, refs);
        }

        if (type == typeof(object))
        {
            return (owner, json) switch
            {
                (var o, "fieldsV1") when o == typeof(V1ManagedFieldsEntry) => RefTo(SchemaNames.FieldsV1, refs),
                (var o, "data") when o == typeof(V1ControllerRevision) => RefTo(SchemaNames.RawExtension, refs),
                _ => new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            };
        }

        if (SchemaNames.Dictionary(type) is { } valueType)
        {
            return new JsonObject { ["additionalProperties"] = Value(owner, json, valueType, refs), ["type"] = "object" };
        }

        if (SchemaNames.List(type) is { } itemType)
        {
            return new JsonObject { ["items"] = Value(owner, json, itemType, refs), ["type"] = "array" };
        }

        return SchemaNames.IsModel(type) ? RefTo(NameOf(type), refs) : new JsonObject { ["type"] = "object" };
    }

    // OpenAPI 3.0 ignores the siblings of a $ref, and kubectl 1.32's explain does too: like upstream's 1.32 documents,
    // a reference that carries a description or extensions goes inside allOf.
    private static JsonObject WrapRef(JsonObject value)
    {
        if (value["$ref"] is not { } reference || value.Count == 1)
        {
            return value;
        }

        value.Remove("$ref");
        var wrapped = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = reference }) };
        foreach (var (key, node) in value.ToList())
        {
            value.Remove(key);
            wrapped[key] = node;
        }

        return wrapped;
    }

    private JsonObject RefTo(string name, List<string> refs)
    {
        refs.Add(name);
        return new JsonObject { ["$ref"] = Ref(name) };
    }

    private JsonObject? Special(string name) => name switch
    {
        SchemaNames.Time => Text("A point in time, serialized as an RFC 3339 date-time in UTC with second precision.", "date-time"),
        SchemaNames.MicroTime => Text("A point in time with microsecond precision, serialized as an RFC 3339 date-time in UTC.", "date-time"),
        SchemaNames.Quantity => _v2
            ? Text(QuantityText, null)
            : new JsonObject
            {
                ["description"] = QuantityText,
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }),
            },
        SchemaNames.IntOrString => _v2
            ? Text(IntOrStringText, "int-or-string")
            : new JsonObject
            {
                ["description"] = IntOrStringText,
                ["format"] = "int-or-string",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
            },
        SchemaNames.FieldsV1 => Object("The set of fields a manager owns, as a trie of field keys (f:<name>, k:<key>, v:<value>, i:<index>)."),
        SchemaNames.RawExtension => Object("An embedded object in its own JSON form, carrying its own apiVersion and kind."),
        SchemaNames.Patch => Object("The body of a PATCH request, in the format its Content-Type names."),
        _ => null,
    };

    private string QuantityText => _docs.Of(typeof(ResourceQuantity))
        ?? "A fixed-point number with an optional binary (Ki, Mi...) or decimal (k, M...) suffix, e.g. 100m or 1Gi.";

    private const string IntOrStringText = "Either an integer or a string (e.g. a port number or a port name).";

    private static JsonObject Text(string description, string? format)
    {
        var schema = new JsonObject { ["description"] = description };
        if (format is not null)
        {
            schema["format"] = format;
        }

        schema["type"] = "string";
        return schema;
    }

    private static JsonObject Object(string description) => new() { ["description"] = description, ["type"] = "object" };

    private sealed record Rendered(string Json, List<string> Refs);
}
