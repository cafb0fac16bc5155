using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Upstream's protobuf schemas for every served kind (and meta, runtime, gnostic OpenAPI v2), loaded on first use
/// from the embedded descriptor set <c>kube.protoset</c>, which <c>ProtoSchemaGenerator</c> derives from the
/// descriptors kubectl 1.32 registers (Protobuf/README.md). Message full names are upstream's
/// (<c>k8s.io.api.apps.v1.Deployment</c>).
/// </summary>
public static class KubeSchema
{
    /// <summary>meta/v1's package.</summary>
    public const string Meta = "k8s.io.apimachinery.pkg.apis.meta.v1";

    /// <summary>runtime's package (Unknown, RawExtension, TypeMeta).</summary>
    public const string Runtime = "k8s.io.apimachinery.pkg.runtime";

    /// <summary>meta Time.</summary>
    public const string Time = Meta + ".Time";

    /// <summary>meta MicroTime.</summary>
    public const string MicroTime = Meta + ".MicroTime";

    /// <summary>meta Duration.</summary>
    public const string Duration = Meta + ".Duration";

    /// <summary>meta FieldsV1.</summary>
    public const string FieldsV1 = Meta + ".FieldsV1";

    /// <summary>resource Quantity.</summary>
    public const string Quantity = "k8s.io.apimachinery.pkg.api.resource.Quantity";

    /// <summary>intstr IntOrString.</summary>
    public const string IntOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";

    /// <summary>runtime RawExtension.</summary>
    public const string RawExtension = Runtime + ".RawExtension";

    // meta's option kinds are the same message whatever group version a client names in its envelope.
    private static readonly HashSet<string> MetaKinds = new(StringComparer.Ordinal)
    {
        "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions", "GetOptions", "ListOptions", "Status", "WatchEvent",
        "PartialObjectMetadata", "PartialObjectMetadataList", "Table",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, MessageDescriptor>> Messages = new(Load);
    private static readonly ConcurrentDictionary<FieldDescriptor, FieldFacts> Facts = new();

    /// <summary>The message <paramref name="fullName"/> (without a leading dot), or null.</summary>
    public static MessageDescriptor? Find(string fullName) => Messages.Value.GetValueOrDefault(fullName);

    /// <summary>
    /// The message of <paramref name="apiVersion"/>/<paramref name="kind"/>: upstream's package for the group (its
    /// first label; core for the empty group) and version; meta's for its option kinds, Status and WatchEvent.
    /// </summary>
    public static MessageDescriptor? ForKind(string apiVersion, string kind)
    {
        ArgumentNullException.ThrowIfNull(apiVersion);
        ArgumentNullException.ThrowIfNull(kind);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (MetaKinds.Contains(kind) && (group.Length == 0 || group == "meta.k8s.io" || Find($"{Package(group, version)}.{kind}") is null))
        {
            return Find($"{Meta}.{kind}");
        }

        return version.Length == 0 ? null : Find($"{Package(group, version)}.{kind}");
    }

    /// <summary>Whether a message has a JSON form of its own rather than its fields (see <see cref="SpecialTypes"/>).</summary>
    public static bool IsSpecial(string fullName)
    {
        var name = fullName.TrimStart('.');
        return name is Time or MicroTime or Duration or FieldsV1 or Quantity or IntOrString or RawExtension
            or Runtime + ".Unknown" or Runtime + ".TypeMeta" or Meta + ".Timestamp";
    }

    /// <summary>The JSON-side facts of a field (name, pointer, inline, special type), computed once.</summary>
    internal static FieldFacts FactsOf(FieldDescriptor field) => Facts.GetOrAdd(field, static f => new FieldFacts(f));

    private static string Package(string group, string version) =>
        $"k8s.io.api.{(group.Length == 0 ? "core" : group.Split('.')[0])}.{version}";

    private static IReadOnlyDictionary<string, MessageDescriptor> Load()
    {
        using var stream = typeof(KubeSchema).Assembly.GetManifestResourceStream("LocalKube.KubeSchema.protoset")
            ?? throw new InvalidOperationException("the embedded protobuf schemas (kube.protoset) are missing");
        var set = FileDescriptorSet.Parser.WithExtensionRegistry(KubeSchemaOptions.Registry).ParseFrom(stream);
        var files = FileDescriptor.BuildFromByteStrings(set.File.Select(f => f.ToByteString()), KubeSchemaOptions.Registry);
        var messages = new Dictionary<string, MessageDescriptor>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var message in file.MessageTypes)
            {
                Add(messages, message);
            }
        }

        return messages;
    }

    private static void Add(Dictionary<string, MessageDescriptor> messages, MessageDescriptor message)
    {
        messages[message.FullName] = message;
        foreach (var nested in message.NestedTypes)
        {
            Add(messages, nested);
        }
    }
}

/// <summary>What the JSON side needs of one field, from its descriptor and our options.</summary>
internal sealed class FieldFacts
{
    public FieldFacts(FieldDescriptor field)
    {
        Field = field;
        JsonName = field.JsonName;
        IsPointer = KubeSchemaOptions.IsPointer(field);
        IsInline = KubeSchemaOptions.IsInline(field);
        Special = field.FieldType == FieldType.Message && KubeSchema.IsSpecial(field.MessageType.FullName) ? field.MessageType.FullName : null;
        IsStringList = field.FieldType == FieldType.Message && !field.IsMap && SpecialTypes.IsStringList(field.MessageType);
        Proto3 = field.File.ToProto().Syntax == "proto3";
    }

    public FieldDescriptor Field { get; }

    public string JsonName { get; }

    public bool IsPointer { get; }

    public bool IsInline { get; }

    /// <summary>The full name of a special message type (Time, Quantity…), or null.</summary>
    public string? Special { get; }

    /// <summary>A message that is only a string list (ExtraValue): a JSON array.</summary>
    public bool IsStringList { get; }

    /// <summary>Whether the field is in a proto3 file (no presence: zero values are not written; scalars packed).</summary>
    public bool Proto3 { get; }
}
