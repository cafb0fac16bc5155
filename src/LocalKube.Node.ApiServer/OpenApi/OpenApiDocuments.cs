using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI documents of the served resources: the v3 index (<c>/openapi/v3</c>), one v3 document per
/// group-version (<c>/openapi/v3/apis/apps/v1</c>) and the Swagger 2.0 document (<c>/openapi/v2</c>). Built once, on
/// first use, from the resource registry and the model types; the set of resources is fixed once the agent runs.
/// </summary>
public sealed class OpenApiDocuments
{
    private static readonly Lazy<Dictionary<(string Group, string Version, string Kind), Type>> Kinds = new(FindKinds);
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    private readonly IResourceRegistry _registry;
    private readonly IReadOnlyList<string> _patchTypes;
    private readonly Lazy<V3> _v3;
    private readonly Lazy<OpenApiDocument> _v2;
    private readonly Lazy<byte[]> _v2Protobuf;

    /// <summary>Documents for <paramref name="registry"/>'s resources; PATCH advertises <paramref name="patchers"/>' media types.</summary>
    public OpenApiDocuments(IResourceRegistry registry, IEnumerable<IPatchHandler> patchers)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _patchTypes = patchers.Select(p => p.MediaType).Distinct().Order(StringComparer.Ordinal).ToList();
        _v3 = new Lazy<V3>(() => Released(BuildV3()));
        _v2 = new Lazy<OpenApiDocument>(() => Released(BuildV2()));
        _v2Protobuf = new Lazy<byte[]>(() => GnosticEncoder.Encode(_v2.Value.Body));
    }

    /// <summary>The v3 index: <c>{"paths":{"apis/apps/v1":{"serverRelativeURL":"/openapi/v3/apis/apps/v1?hash=…"}}}</c>.</summary>
    public OpenApiDocument Index => _v3.Value.Index;

    /// <summary>The Swagger 2.0 document of every served resource.</summary>
    public OpenApiDocument V2 => _v2.Value;

    /// <summary>
    /// <see cref="V2"/> as gnostic's protobuf <c>openapi.v2.Document</c>, encoded from the JSON as upstream does; it
    /// shares the JSON's ETag.
    /// </summary>
    public ReadOnlyMemory<byte> V2Protobuf => _v2Protobuf.Value;

    /// <summary>The v3 document of a group-version path (<c>api/v1</c>, <c>apis/apps/v1</c>), or null when not served.</summary>
    public OpenApiDocument? GroupVersion(string path) => _v3.Value.Documents.GetValueOrDefault(path);

    /// <summary>The model type of a served kind (<c>("apps", "v1", "Deployment")</c>), or null.</summary>
    public static Type? KindType(string group, string version, string kind) => Kinds.Value.GetValueOrDefault((group, version, kind));

    /// <summary>The index path of a group-version: <c>api/v1</c> or <c>apis/&lt;group&gt;/&lt;version&gt;</c>.</summary>
    public static string PathOf(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    private V3 BuildV3()
    {
        var (names, resources) = Prepare();
        var schemas = new SchemaBuilder(names, v2: false);
        var documents = new Dictionary<string, OpenApiDocument>(StringComparer.Ordinal);
        foreach (var group in _registry.Groups)
        {
            foreach (var version in group.Versions)
            {
                var served = resources.Where(r => r.Group == group.Name && r.Version == version).ToList();
                var (paths, roots) = Paths(served, schemas);
                documents[PathOf(group.Name, version)] = Render(writer =>
                {
                    writer.WriteString("openapi", "3.0.0");
                    WriteInfo(writer);
                    writer.WritePropertyName("paths");
                    paths.WriteTo(writer);
                    writer.WriteStartObject("components");
                    WriteSchemas(writer, "schemas", schemas.Closure(roots));
                    writer.WriteEndObject();
                });
            }
        }

        var index = Render(writer =>
        {
            writer.WriteStartObject("paths");
            foreach (var (path, document) in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(path);
                writer.WriteString("serverRelativeURL", $"/openapi/v3/{path}?hash={document.Hash}");
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
        return new V3(index, documents);
    }

    private OpenApiDocument BuildV2()
    {
        var (names, resources) = Prepare();
        var schemas = new SchemaBuilder(names, v2: true);
        var (paths, roots) = Paths(resources, schemas);
        return Render(writer =>
        {
            writer.WriteString("swagger", "2.0");
            WriteInfo(writer);
            writer.WritePropertyName("paths");
            SwaggerPaths.FromV3(paths).WriteTo(writer);
            WriteSchemas(writer, "definitions", schemas.Closure(roots));
        });
    }

    private (SchemaNames Names, List<ApiResourceDescriptor> Resources) Prepare()
    {
        var resources = _registry.Resources.Where(r => KindType(r.Group, r.Version, r.Kind) is not null).ToList();
        var roots = new List<Type>();
        foreach (var r in resources)
        {
            roots.Add(KindType(r.Group, r.Version, r.Kind)!);
            if (KindType(r.Group, r.Version, r.Kind + "List") is { } list)
            {
                roots.Add(list);
            }
        }

        roots.AddRange([typeof(V1Scale), typeof(V1Status), typeof(V1DeleteOptions), typeof(V1WatchEvent), typeof(V1APIResourceList)]);
        return (new SchemaNames(roots), resources);
    }

    private (JsonObject Paths, List<string> Roots) Paths(List<ApiResourceDescriptor> resources, SchemaBuilder schemas)
    {
        var roots = new List<string>
        {
            schemas.NameOf(typeof(V1Status)), schemas.NameOf(typeof(V1DeleteOptions)), schemas.NameOf(typeof(V1WatchEvent)),
            schemas.NameOf(typeof(V1APIResourceList)), SchemaNames.Patch,
        };
        (string?, string?) Names(ApiResourceDescriptor r, string? subresource)
        {
            var kind = KindType(r.Group, r.Version, r.Kind);
            if (kind is null)
            {
                return (null, null);
            }

            if (subresource == "scale")
            {
                var scale = schemas.NameOf(typeof(V1Scale));
                roots.Add(scale);
                return (schemas.Ref(scale), null);
            }

            var kindName = schemas.NameOf(kind);
            roots.Add(kindName);
            var list = KindType(r.Group, r.Version, r.Kind + "List") is { } listType ? schemas.NameOf(listType) : null;
            if (list is not null)
            {
                roots.Add(list);
            }

            return (schemas.Ref(kindName), list is null ? null : schemas.Ref(list));
        }

        return (OpenApiPaths.Build(resources, Names, _patchTypes, schemas), roots);
    }

    private static void WriteInfo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("info");
        writer.WriteString("title", "Kubernetes");
        writer.WriteString("version", ServerVersion.KubernetesGitVersion);
        writer.WriteEndObject();
    }

    private static void WriteSchemas(Utf8JsonWriter writer, string property, SortedDictionary<string, string> schemas)
    {
        writer.WriteStartObject(property);
        foreach (var (name, json) in schemas)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    // A build is a one-off burst of garbage (schema trees, rendered JSON, the model docs, growing buffers): ~35 MB for
    // the v3 documents kubectl's first apply asks for. The GC kept that much committed for the agent's lifetime
    // (idle agent 191 -> 229 MiB); one compacting collection that decommits gives it back, once per document set.
    private static T Released<T>(T built)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return built;
    }

    private static OpenApiDocument Render(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return new OpenApiDocument(stream.ToArray());
    }

    private static Dictionary<(string, string, string), Type> FindKinds()
    {
        var kinds = new Dictionary<(string, string, string), Type>();
        foreach (var type in typeof(V1Pod).Assembly.GetExportedTypes().Where(t => t.Namespace == "k8s.Models"))
        {
            if (type.GetCustomAttribute<KubernetesEntityAttribute>() is { } entity)
            {
                kinds.TryAdd((entity.Group ?? "", entity.ApiVersion, entity.Kind), type);
            }
        }

        return kinds;
    }

    private sealed record V3(OpenApiDocument Index, Dictionary<string, OpenApiDocument> Documents);
}
