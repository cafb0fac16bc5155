using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// Upstream's definition names (<c>io.k8s.api.core.v1.PodSpec</c>) for KubernetesClient model types
/// (<c>V1PodSpec</c>). The class name gives the version and the short name; the package is the kind's group for
/// kinds, apimachinery's for the meta types, the prefix for disambiguated classes (<c>Corev1Event</c>), and for
/// every other nested type the group of the first served kind that reaches it, core kinds first (so the pod types
/// that apps and batch embed stay in core, as upstream has them).
/// </summary>
public sealed partial class SchemaNames
{
    /// <summary>Name of the metav1.Time schema.</summary>
    public const string Time = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";

    /// <summary>Name of the metav1.MicroTime schema.</summary>
    public const string MicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";

    /// <summary>Name of the metav1.FieldsV1 schema.</summary>
    public const string FieldsV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";

    /// <summary>Name of the metav1.Patch schema (the body of every PATCH).</summary>
    public const string Patch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

    /// <summary>Name of the resource.Quantity schema.</summary>
    public const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    /// <summary>Name of the intstr.IntOrString schema.</summary>
    public const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    /// <summary>Name of the runtime.RawExtension schema.</summary>
    public const string RawExtension = "io.k8s.apimachinery.pkg.runtime.RawExtension";

    private const string MetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    // metav1 types KubernetesClient generates as V1<Name>.
    private static readonly HashSet<string> MetaTypes =
    [
        "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition", "DeleteOptions",
        "FieldSelectorRequirement", "GroupVersionForDiscovery", "LabelSelector", "LabelSelectorRequirement", "ListMeta",
        "ManagedFieldsEntry", "ObjectMeta", "OwnerReference", "Preconditions", "ServerAddressByClientCIDR", "Status",
        "StatusCause", "StatusDetails", "WatchEvent",
    ];

    private readonly Dictionary<Type, string> _names = [];

    /// <summary>Names every model type reachable from <paramref name="kinds"/> (served kinds and their lists).</summary>
    public SchemaNames(IEnumerable<Type> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var ordered = kinds.Distinct().OrderBy(k => Entity(k)?.Group is "" ? 0 : 1).ToList();
        foreach (var kind in ordered)
        {
            var package = PackageOf(Entity(kind)?.Group ?? "");
            var queue = new Queue<Type>([kind]);
            while (queue.TryDequeue(out var type))
            {
                if (_names.ContainsKey(type))
                {
                    continue;
                }

                _names[type] = Name(type, package);
                foreach (var referenced in References(type))
                {
                    queue.Enqueue(referenced);
                }
            }
        }
    }

    /// <summary>The definition name of a model type.</summary>
    public string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _names.TryGetValue(type, out var name) ? name : Name(type, "core");
    }

    /// <summary>The <c>[KubernetesEntity]</c> of a top-level kind, or null for nested types.</summary>
    public static KubernetesEntityAttribute? Entity(Type type) => type.GetCustomAttribute<KubernetesEntityAttribute>();

    /// <summary>Whether <paramref name="type"/> is an object-shaped model type (gets its own schema).</summary>
    public static bool IsModel(Type type) =>
        type.Namespace == "k8s.Models" && type.IsClass && type != typeof(ResourceQuantity) && type != typeof(IntOrString)
        && type != typeof(V1Patch) && type.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>The JSON properties of a model type: (json name, property), in upstream's (sorted) order.</summary>
    public static IEnumerable<(string Json, PropertyInfo Property)> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Json: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, Property: p))
            .Where(p => p.Json is not null)
            .Select(p => (p.Json!, p.Property))
            .OrderBy(p => p.Item1, StringComparer.Ordinal);

    /// <summary>The element type of a list, the value type of a map, or the type itself (nullables unwrapped).</summary>
    public static Type Element(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return type;
        }

        if (Dictionary(type) is { } value)
        {
            return Element(value);
        }

        return List(type) is { } item ? Element(item) : type;
    }

    /// <summary>The value type when <paramref name="type"/> is a string-keyed map, else null.</summary>
    public static Type? Dictionary(Type type)
    {
        var map = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return map?.GetGenericArguments()[1];
    }

    /// <summary>The element type when <paramref name="type"/> is a list, else null.</summary>
    public static Type? List(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return list?.GetGenericArguments()[0];
    }

    private static IEnumerable<Type> References(Type type) =>
        Properties(type).Select(p => Element(p.Property.PropertyType)).Where(IsModel);

    private static string PackageOf(string group) => group.Length == 0 ? "core" : group.Split('.')[0];

    private static string Name(Type type, string package)
    {
        var match = ClassName().Match(type.Name);
        if (!match.Success)
        {
            return "io.k8s.localkube." + type.Name;
        }

        var version = "v" + match.Groups["version"].Value;
        var name = match.Groups["name"].Value;
        if (version == "v1" && match.Groups["group"].Length == 0 && MetaTypes.Contains(name))
        {
            return MetaPrefix + name;
        }

        if (Entity(type) is { } entity)
        {
            return $"io.k8s.api.{PackageOf(entity.Group)}.{entity.ApiVersion}.{name}";
        }

        if (match.Groups["group"].Length > 0)
        {
            package = match.Groups["group"].Value.ToLowerInvariant();
        }

        return $"io.k8s.api.{package}.{version}.{name}";
    }

    // V1PodSpec, V1beta1Foo, Corev1Event (the generator's prefix for names two groups share).
    [GeneratedRegex(@"^(?:(?<group>[A-Z][a-z]+)v|V)(?<version>\d+(?:(?:alpha|beta)\d+)?)(?<name>[A-Z]\w*)$")]
    private static partial Regex ClassName();
}
