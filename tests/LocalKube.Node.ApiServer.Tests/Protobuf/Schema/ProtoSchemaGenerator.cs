using System.Reflection;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf;
using FileOptions = Google.Protobuf.Reflection.FileOptions;

namespace LocalKube.Node.ApiServer.Tests.Protobuf.Schema;

/// <summary>
/// Derives our protobuf schemas from upstream's descriptors (<see cref="KubectlDescriptors"/>): the files of every
/// served group version and what they import, plus gnostic's OpenAPI v2 models. It keeps upstream's file, package,
/// message and field names, numbers, labels and types, drops the Go-only options, and records three facts as field
/// options that the wire format alone does not carry:
/// <list type="bullet">
/// <item>the JSON name (<c>json_name</c>), checked against the KubernetesClient models, which follow upstream's JSON;</item>
/// <item><c>(localkube.pointer)</c>: the Go field is a pointer (gogo <c>nullable</c>), so upstream marshals it only
/// when set, while a value field is always marshalled, zero or not;</item>
/// <item><c>(localkube.inline)</c>: an embedded Go struct whose JSON fields sit in the parent (<c>json:",inline"</c>).</item>
/// </list>
/// Repeatable: the same kubectl and KubernetesClient give the same bytes; <c>ProtoSchemaGeneratorTests</c> checks the
/// checked-in files against a fresh run.
/// </summary>
internal sealed class ProtoSchemaGenerator
{
    public const string OptionsFile = "localkube/options.proto";
    public const string OpenApiFile = "openapiv2/OpenAPIv2.proto";

    // gogoproto.nullable and gogoproto.customname: the Go facts kept in upstream's registered descriptors.
    private static readonly Extension<FieldOptions, bool> GogoNullable = new(65001, FieldCodec.ForBool(WireFormat.MakeTag(65001, WireFormat.WireType.Varint)));

    private readonly Dictionary<string, FileDescriptorProto> _upstream;
    private readonly Dictionary<string, (DescriptorProto Message, FileDescriptorProto File)> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _jsonNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inline = new(StringComparer.Ordinal);
    private readonly HashSet<string> _paired = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    private ProtoSchemaGenerator(Dictionary<string, FileDescriptorProto> upstream)
    {
        _upstream = upstream;
        foreach (var file in upstream.Values)
        {
            foreach (var message in file.MessageType)
            {
                Index($".{file.Package}.{message.Name}", message, file);
            }
        }
    }

    /// <summary>The generated files, in dependency order, with their .proto text; and anything that did not add up.</summary>
    public sealed record Result(IReadOnlyList<FileDescriptorProto> Files, IReadOnlyDictionary<string, string> Texts, IReadOnlyList<string> Problems)
    {
        /// <summary>The binary descriptor set the API server embeds: Google's well-known files first, then ours.</summary>
        public byte[] DescriptorSet()
        {
            var set = new FileDescriptorSet();
            set.File.Add(FileDescriptorProto.Parser.ParseFrom(DescriptorReflection.Descriptor.SerializedData));
            set.File.Add(FileDescriptorProto.Parser.ParseFrom(Google.Protobuf.WellKnownTypes.AnyReflection.Descriptor.SerializedData));
            set.File.AddRange(Files);
            return set.ToByteArray();
        }
    }

    /// <summary>Reads upstream's descriptors with the gogo options we need.</summary>
    public static Dictionary<string, FileDescriptorProto> WithGoFacts(Dictionary<string, FileDescriptorProto> raw)
    {
        var parser = FileDescriptorProto.Parser.WithExtensionRegistry([GogoNullable]);
        return raw.ToDictionary(p => p.Key, p => parser.ParseFrom(p.Value.ToByteArray()), StringComparer.Ordinal);
    }

    /// <summary>
    /// Generates the schemas for <paramref name="apiVersions"/> (served group versions) from <paramref name="upstream"/>,
    /// naming JSON fields after <paramref name="roots"/>: each a message full name and the KubernetesClient model of it.
    /// </summary>
    public static Result Generate(
        Dictionary<string, FileDescriptorProto> upstream, IEnumerable<string> apiVersions, IEnumerable<(string Message, Type Model)> roots)
    {
        var generator = new ProtoSchemaGenerator(WithGoFacts(upstream));
        return generator.Run(apiVersions, roots);
    }

    /// <summary>Upstream's file for a served group version (<c>apps/v1</c> → <c>k8s.io/api/apps/v1/generated.proto</c>).</summary>
    public static string FileOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var package = group.Length == 0 ? "core" : group.Split('.')[0];
        return $"k8s.io/api/{package}/{version}/generated.proto";
    }

    private Result Run(IEnumerable<string> apiVersions, IEnumerable<(string Message, Type Model)> roots)
    {
        var wanted = apiVersions.Select(FileOf)
            .Concat(["k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto", "k8s.io/apimachinery/pkg/runtime/generated.proto", OpenApiFile])
            .Distinct(StringComparer.Ordinal);
        var ordered = new List<string>();
        foreach (var name in wanted)
        {
            Visit(name, ordered, []);
        }

        foreach (var (message, model) in roots)
        {
            Pair(message, model);
        }

        var files = new List<FileDescriptorProto> { Options() };
        files.AddRange(ordered.Select(Transform));
        var texts = files.ToDictionary(f => f.Name, ProtoText.Render, StringComparer.Ordinal);
        return new Result(files, texts, _problems);
    }

    // Dependencies first; gogo's own options file is dropped (its facts become ours).
    private void Visit(string name, List<string> ordered, HashSet<string> path)
    {
        if (ordered.Contains(name) || name.StartsWith("github.com/gogo/", StringComparison.Ordinal) || name.StartsWith("google/protobuf/", StringComparison.Ordinal))
        {
            return;
        }

        if (!_upstream.TryGetValue(name, out var file))
        {
            _problems.Add($"kubectl registers no {name}");
            return;
        }

        if (!path.Add(name))
        {
            _problems.Add($"import cycle through {name}");
            return;
        }

        foreach (var dependency in file.Dependency)
        {
            Visit(dependency, ordered, path);
        }

        ordered.Add(name);
    }

    private void Index(string fullName, DescriptorProto message, FileDescriptorProto file)
    {
        _messages[fullName] = (message, file);
        foreach (var nested in message.NestedType)
        {
            Index($"{fullName}.{nested.Name}", nested, file);
        }
    }

    private FileDescriptorProto Transform(string name)
    {
        var source = _upstream[name];
        var file = new FileDescriptorProto
        {
            Name = source.Name,
            Package = source.Package,
            Syntax = source.Syntax,
            Options = new FileOptions { CsharpNamespace = CSharpNamespace(source.Package) },
        };
        var prefix = "." + source.Package;
        file.MessageType.AddRange(source.MessageType.Select(m => Transform(m, $"{prefix}.{m.Name}", source.Syntax == "proto3")));
        file.EnumType.AddRange(source.EnumType.Select(e => e.Clone()));

        // Only the imports a type is used from (upstream's files import more than they use, which protoc warns about).
        var used = file.MessageType.SelectMany(AllFields).Where(f => f.HasTypeName).Select(f => FileOfType(f.TypeName)).ToHashSet(StringComparer.Ordinal);
        file.Dependency.AddRange(source.Dependency.Where(used.Contains));
        if (file.MessageType.SelectMany(AllFields).Any(f => f.Options is not null))
        {
            file.Dependency.Add(OptionsFile);
        }

        return file;
    }

    private string FileOfType(string typeName) =>
        _messages.TryGetValue(typeName, out var entry) ? entry.File.Name
        : typeName.StartsWith(".google.protobuf.", StringComparison.Ordinal) ? $"google/protobuf/{typeName[".google.protobuf.".Length..].ToLowerInvariant()}.proto"
        : "";

    private static IEnumerable<FieldDescriptorProto> AllFields(DescriptorProto message) => message.Field.Concat(message.NestedType.SelectMany(AllFields));

    private DescriptorProto Transform(DescriptorProto source, string fullName, bool proto3)
    {
        var message = new DescriptorProto { Name = source.Name };
        if (source.Options?.MapEntry == true)
        {
            message.Options = new MessageOptions { MapEntry = true };
        }

        message.OneofDecl.AddRange(source.OneofDecl.Select(o => new OneofDescriptorProto { Name = o.Name }));
        message.NestedType.AddRange(source.NestedType.Select(n => Transform(n, $"{fullName}.{n.Name}", proto3)));
        message.EnumType.AddRange(source.EnumType.Select(e => e.Clone()));
        foreach (var f in source.Field)
        {
            var key = $"{fullName}.{f.Name}";
            var field = new FieldDescriptorProto
            {
                Name = f.Name,
                Number = f.Number,
                Label = f.Label,
                Type = f.Type,
                JsonName = _jsonNames.TryGetValue(key, out var json) ? json : ProtoText.DefaultJsonName(f.Name),
            };
            if (f.HasTypeName)
            {
                field.TypeName = f.TypeName;
            }

            if (f.HasOneofIndex)
            {
                field.OneofIndex = f.OneofIndex;
            }

            if (f.Proto3Optional)
            {
                field.Proto3Optional = true;
            }

            var pointer = !proto3 && f.Label == FieldDescriptorProto.Types.Label.Optional && !(f.Options?.HasExtension(GogoNullable) == true && !f.Options.GetExtension(GogoNullable));
            var inline = _inline.Contains(key);
            if (pointer || inline)
            {
                field.Options = new FieldOptions();
                if (pointer)
                {
                    field.Options.SetExtension(KubeSchemaOptions.Pointer, true);
                }

                if (inline)
                {
                    field.Options.SetExtension(KubeSchemaOptions.Inline, true);
                }
            }

            message.Field.Add(field);
        }

        return message;
    }

    private static FileDescriptorProto Options()
    {
        var file = new FileDescriptorProto
        {
            Name = OptionsFile,
            Package = "localkube",
            Syntax = "proto2",
            Options = new FileOptions { CsharpNamespace = "LocalKube.Node.ApiServer.Protobuf.Kube.Options" },
        };
        file.Dependency.Add("google/protobuf/descriptor.proto");
        foreach (var (name, number) in new[] { ("pointer", KubeSchemaOptions.PointerField), ("inline", KubeSchemaOptions.InlineField) })
        {
            file.Extension.Add(new FieldDescriptorProto
            {
                Name = name,
                Number = number,
                Label = FieldDescriptorProto.Types.Label.Optional,
                Type = FieldDescriptorProto.Types.Type.Bool,
                Extendee = ".google.protobuf.FieldOptions",
                JsonName = name,
            });
        }

        return file;
    }

    private static string CSharpNamespace(string package)
    {
        // k8s.io.api.apps.v1 → AppsV1; k8s.io.apimachinery.pkg.apis.meta.v1 → MetaV1; openapi.v2 → OpenapiV2.
        var parts = package.Split('.').Where(p => p is not ("k8s" or "io" or "api" or "apimachinery" or "pkg" or "apis" or "util")).ToArray();
        return "LocalKube.Node.ApiServer.Protobuf.Kube." + string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>Pairs a message with its KubernetesClient model: names JSON fields and finds inline ones, recursively.</summary>
    private void Pair(string fullName, Type model)
    {
        if (!_paired.Add($"{fullName}@{model.FullName}") || KubeSchema.IsSpecial(fullName) || !_messages.TryGetValue(fullName, out var entry))
        {
            return;
        }

        var properties = JsonProperties(model);
        foreach (var field in entry.Message.Field)
        {
            var key = $"{fullName}.{field.Name}";
            var json = properties.ContainsKey(field.Name) ? field.Name
                : properties.Keys.FirstOrDefault(k => string.Equals(k, field.Name, StringComparison.OrdinalIgnoreCase));
            if (json is not null)
            {
                Record(key, json);
                if (field.Type == FieldDescriptorProto.Types.Type.Message && ElementModel(properties[json].PropertyType) is { } element)
                {
                    Pair(ValueMessage(field.TypeName), element);
                }

                continue;
            }

            if (field.Type == FieldDescriptorProto.Types.Type.Message && Fits(field.TypeName, properties, []))
            {
                _inline.Add(key);
                Pair(field.TypeName, model);
                continue;
            }

            _problems.Add($"{key}: no JSON property of {model.Name} matches, and it is not an embedded struct of it");
        }
    }

    private void Record(string key, string json)
    {
        if (_jsonNames.TryGetValue(key, out var earlier) && earlier != json)
        {
            _problems.Add($"{key}: JSON name {json} here, {earlier} elsewhere");
        }

        _jsonNames[key] = json;
    }

    // Whether every field of the message lands on a property of the model (directly or through its own inline fields).
    private bool Fits(string fullName, Dictionary<string, PropertyInfo> properties, HashSet<string> seen)
    {
        if (!seen.Add(fullName) || KubeSchema.IsSpecial(fullName) || !_messages.TryGetValue(fullName, out var entry) || entry.Message.Field.Count == 0)
        {
            return false;
        }

        return entry.Message.Field.All(f =>
            properties.Keys.Any(k => string.Equals(k, f.Name, StringComparison.OrdinalIgnoreCase))
            || (f.Type == FieldDescriptorProto.Types.Type.Message && Fits(f.TypeName, properties, seen)));
    }

    // A map field's type is its entry message: pair the entry's value type instead.
    private string ValueMessage(string typeName) =>
        _messages.TryGetValue(typeName, out var entry) && entry.Message.Options?.MapEntry == true
            ? entry.Message.Field.Single(f => f.Number == 2).TypeName
            : typeName;

    private static Dictionary<string, PropertyInfo> JsonProperties(Type model) =>
        model.GetProperties()
            .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.Property, StringComparer.Ordinal);

    private static Type? ElementModel(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
        {
            var args = type.GetGenericArguments();
            return ElementModel(args[^1]);
        }

        return type.Namespace == "k8s.Models" ? type : null;
    }
}
