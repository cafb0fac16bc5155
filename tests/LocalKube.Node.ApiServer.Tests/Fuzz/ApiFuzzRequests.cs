using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>
/// Generates requests against the API: every verb (create, update, the four patch types, apply, get, list, watch,
/// delete with options, deletecollection), bodies from valid seeds mutated structurally and byte by byte, sent as
/// JSON, YAML or protobuf, with fuzzed query strings and headers.
/// </summary>
internal static class ApiFuzzRequests
{
    public const string Namespace = "fuzz";
    public const string Target = "fz-target";

    // Deep enough for the nesting mutations (the server's limit is 100 levels; the writer's default is 64).
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1_000 };
    private static readonly JsonSerializerOptions Escaped = new() { MaxDepth = 1_000 };

    private static readonly string[] PatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

    private static readonly string[] OddContentTypes =
    [
        "application/json; charset=utf-16", "application/json;;;", "text/plain", "application/yaml", "application/x-www-form-urlencoded",
        "application/vnd.kubernetes.protobuf", "application/json; charset=utf-8; x=\"\\\"\"", "*/*", "application/", "/", "application/json+json",
        "application/apply-patch+yaml; charset=latin1", "multipart/form-data; boundary=x", "application/json; " + new string('p', 3000) + "=1",
        "application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json",
    ];

    private static readonly string[] Accepts =
    [
        "application/json", "*/*", "application/json;as=Table;v=v1;g=meta.k8s.io, application/json",
        "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
        "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf, application/json", "application/yaml", "text/html",
        "application/json;as=Table;v=v0;g=meta.k8s.io", "application/json;q=0", "garbage", ",,,", "application/json;as=", "application/*",
        "application/json;stream=watch", "application/json, " + new string('a', 4000),
    ];

    private static readonly string[] QueryKeys =
    [
        "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch", "timeoutSeconds",
        "allowWatchBookmarks", "sendInitialEvents", "dryRun", "fieldManager", "fieldValidation", "force", "pretty",
        "propagationPolicy", "gracePeriodSeconds", "orphanDependents", "includeObject", "watch", "exact", "export",
    ];

    private static readonly string[] Selectors =
    [
        "app=web", "app==web", "app!=web", "app in (web,db)", "app notin (web)", "!app", "app", "fuzz=yes,app=web", "a in ()", "=", "==",
        "a=b=c", "a in (b", "a notin", "app in (web, db) ,x", "a.b/c=d", "-a=b", "a=-b", "a=" + new string('v', 64), "A=B", "a,", ",", "a=b,,c=d",
        "x in (a,b),y notin (c),!z,w", "a gt 1", "a>1", "a<2", "metadata.name=x", "metadata.namespace=fuzz", "spec.nodeName=",
        "status.phase!=Running", "bogus.field=1", "metadata.name", "metadata.name==a==b", "spec.nodeName=a,status.phase=b",
        "involvedObject.kind=Pod", "type=Opaque", "spec.schedulerName=x", "metadata.name=\\,", "app=w\u00e9b", "app=\u0000",
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "-1", "1", "2", "500", "abc", "99999999999999999999", "true", "false", "1.5", "All", "all", "Strict", "Warn", "Ignore",
        "strict", "Exact", "NotOlderThan", "Orphan", "Background", "Foreground", "bogus", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJhIn0",
        "eyJ2IjoiIiwicnYiOi0xfQ", "%", "%zz", "%00", "%c3%28", "a%20b", "x&y=z", "\u00e9", "-9223372036854775808",
    ];

    /// <summary>One request from <paramref name="pcg"/>.</summary>
    public static FuzzRequest Generate(PCG pcg, IReadOnlyList<FuzzResource> resources)
    {
        var resource = Pick(pcg, resources);
        var ns = Chance(pcg, 95) ? Namespace : Uri.EscapeDataString(Pick(pcg, new[] { "default", "no-such-ns", "FUZZ", "kube-system", OddString(pcg) }));
        var fresh = $"fz-{pcg.Next():x8}";
        var collection = resource.Collection(ns);
        var headers = new List<(string, string)>();
        if (Chance(pcg, 40))
        {
            headers.Add(("Accept", Pick(pcg, Accepts)));
        }

        if (Chance(pcg, 5))
        {
            headers.Add((Pick(pcg, new[] { "User-Agent", "X-Fuzz", "Impersonate-User", "If-Match", "Accept-Encoding", "Content-Encoding" }),
                Chance(pcg, 50) ? new string('h', 1 + Next(pcg, 6000)) : Pick(pcg, new[] { "gzip", "x/1.0", "system:admin", "*", "identity" })));
        }

        var roll = Next(pcg, 100);
        return roll switch
        {
            < 28 => Create(pcg, resource, ns, fresh, collection, headers),
            < 40 => Update(pcg, resource, ns, collection, headers),
            < 68 => Patch(pcg, resource, ns, collection, headers),
            < 78 => Delete(pcg, resource, collection, headers),
            < 81 when resource.Namespaced => new FuzzRequest(resource, "DELETE", collection + Query(pcg, true, "labelSelector=fuzz%3Dnone"), null, headers, null, null, "deletecollection"),
            < 84 => new FuzzRequest(resource, "GET", collection + Query(pcg, false, "watch=true", "timeoutSeconds=1"), null, headers, null, null, "watch"),
            < 92 => new FuzzRequest(resource, "GET", collection + Query(pcg, false), null, headers, null, null, "list"),
            _ => new FuzzRequest(resource, "GET", $"{collection}/{Name(pcg)}" + Query(pcg, false), null, headers, null, Target, "get"),
        };
    }

    private static FuzzRequest Create(PCG pcg, FuzzResource resource, string ns, string name, string collection, List<(string, string)> headers)
    {
        if (Chance(pcg, 12) && ApiFuzzSeeds.Protobuf(resource, name, resource.Namespaced ? ns : null) is { } pb)
        {
            var body = Chance(pcg, 80) ? MutateBytes(pcg, pb) : pb;
            return new FuzzRequest(resource, "POST", collection + Query(pcg, true), "application/vnd.kubernetes.protobuf", headers, body, name, "protobuf create");
        }

        var (bytes, mutation) = ObjectBody(pcg, resource, name, resource.Namespaced ? ns : null);
        return new FuzzRequest(resource, "POST", collection + Query(pcg, true), ContentType(pcg, "application/json"), headers, bytes, name, "create " + mutation);
    }

    private static FuzzRequest Update(PCG pcg, FuzzResource resource, string ns, string collection, List<(string, string)> headers)
    {
        var (bytes, mutation) = ObjectBody(pcg, resource, Target, resource.Namespaced ? ns : null);
        var sub = Chance(pcg, 15) ? Pick(pcg, new[] { "/status", "/scale", "/finalize", "/bogus" }) : "";
        return new FuzzRequest(resource, "PUT", $"{collection}/{Target}{sub}" + Query(pcg, true), ContentType(pcg, "application/json"), headers, bytes, Target, "update" + sub + " " + mutation);
    }

    private static FuzzRequest Patch(PCG pcg, FuzzResource resource, string ns, string collection, List<(string, string)> headers)
    {
        var type = Pick(pcg, PatchTypes);
        var seed = ApiFuzzSeeds.Object(resource, Target, resource.Namespaced ? ns : null);
        JsonNode patch = type switch
        {
            "application/json-patch+json" => JsonPatch(pcg, seed),
            "application/apply-patch+yaml" => seed,
            _ => Partial(pcg, seed),
        };
        var mutation = type[12..type.IndexOf('+', StringComparison.Ordinal)];
        if (Chance(pcg, 60))
        {
            MutateTree(pcg, patch);
            mutation += " tree";
        }

        var bytes = type == "application/apply-patch+yaml" && Chance(pcg, 50) ? Yaml(pcg, patch) : Json(pcg, patch);
        if (Chance(pcg, 35))
        {
            bytes = MutateBytes(pcg, bytes);
            mutation += " bytes";
        }

        var query = Query(pcg, true, type == "application/apply-patch+yaml" && Chance(pcg, 90) ? "fieldManager=fuzz" : "");
        var sub = Chance(pcg, 10) ? Pick(pcg, new[] { "/status", "/scale" }) : "";
        return new FuzzRequest(resource, "PATCH", $"{collection}/{Target}{sub}" + query, ContentType(pcg, type), headers, bytes, Target, "patch " + mutation);
    }

    private static FuzzRequest Delete(PCG pcg, FuzzResource resource, string collection, List<(string, string)> headers)
    {
        byte[]? body = null;
        var mutation = "delete";
        if (Chance(pcg, 50))
        {
            JsonNode options = new JsonObject
            {
                ["kind"] = "DeleteOptions",
                ["apiVersion"] = "v1",
                ["gracePeriodSeconds"] = 0,
                ["propagationPolicy"] = "Background",
                ["preconditions"] = new JsonObject { ["uid"] = "00000000-0000-0000-0000-000000000000", ["resourceVersion"] = "1" },
                ["dryRun"] = new JsonArray("All"),
            };
            MutateTree(pcg, options);
            body = Chance(pcg, 30) ? MutateBytes(pcg, Json(pcg, options)) : Json(pcg, options);
            mutation += " options";
        }

        // Mostly a name no fixture depends on; sometimes the target itself (the fixture puts it back).
        var name = Chance(pcg, 30) ? Target : Name(pcg);
        return new FuzzRequest(resource, "DELETE", $"{collection}/{name}" + Query(pcg, true), body is null ? null : "application/json", headers, body, name, mutation);
    }

    private static (byte[] Body, string Mutation) ObjectBody(PCG pcg, FuzzResource resource, string name, string? ns)
    {
        var seed = ApiFuzzSeeds.Object(resource, name, ns);
        var mutation = "valid";
        var roll = Next(pcg, 100);
        if (roll < 55)
        {
            MutateTree(pcg, seed);
            mutation = "tree";
        }

        var bytes = Json(pcg, seed);
        if (roll >= 40 && roll < 85)
        {
            bytes = MutateBytes(pcg, bytes);
            mutation = mutation == "tree" ? "tree+bytes" : "bytes";
        }

        if (Chance(pcg, 4))
        {
            // Repeated keys, which a tree cannot hold.
            var text = Encoding.UTF8.GetString(bytes);
            var at = text.IndexOf("\"metadata\"", StringComparison.Ordinal);
            if (at > 0)
            {
                bytes = Encoding.UTF8.GetBytes(text.Insert(at, "\"metadata\":{\"name\":\"dup\"},\"kind\":\"Pod\","));
                mutation += "+duplicates";
            }
        }

        return (bytes, mutation);
    }

    private static JsonObject Partial(PCG pcg, JsonObject seed)
    {
        var partial = new JsonObject();
        foreach (var (key, value) in seed.ToList())
        {
            if (key is "apiVersion" or "kind" || Chance(pcg, 60))
            {
                partial[key] = value?.DeepClone();
            }
        }

        if (Chance(pcg, 20))
        {
            partial["$patch"] = Pick(pcg, new[] { "replace", "delete", "merge", "bogus" });
        }

        if (Chance(pcg, 10))
        {
            partial["metadata"] = new JsonObject { ["$deleteFromPrimitiveList/finalizers"] = new JsonArray("x"), ["$setElementOrder/labels"] = new JsonArray("a") };
        }

        return partial;
    }

    private static JsonArray JsonPatch(PCG pcg, JsonObject seed)
    {
        var paths = new List<string> { "", "/", "/metadata/labels/new", "/metadata/labels/a~1b", "/metadata/labels/~2", "/spec/-", "/spec/x/-",
            "/metadata/finalizers/-", "/metadata/finalizers/0", "/spec/containers/99999", "/spec/containers/-1", "/spec/containers/01", "metadata", "/metadata/name" };
        Paths(seed, "", paths, 0);
        var ops = new JsonArray();
        for (var i = 1 + Next(pcg, 3); i > 0; i--)
        {
            var op = new JsonObject { ["op"] = Pick(pcg, new[] { "add", "remove", "replace", "move", "copy", "test", "bogus", "" }), ["path"] = Pick(pcg, paths) };
            if (Chance(pcg, 80))
            {
                op["value"] = OddValue(pcg, 0);
            }

            if (Chance(pcg, 30))
            {
                op["from"] = Pick(pcg, paths);
            }

            ops.Add(op);
        }

        return ops;
    }

    private static void Paths(JsonNode node, string prefix, List<string> into, int depth)
    {
        if (depth > 6)
        {
            return;
        }

        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                var path = $"{prefix}/{key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";
                into.Add(path);
                if (child is not null)
                {
                    Paths(child, path, into, depth + 1);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                into.Add($"{prefix}/{i}");
                if (array[i] is { } child)
                {
                    Paths(child, $"{prefix}/{i}", into, depth + 1);
                }
            }
        }
    }

    private static string Query(PCG pcg, bool write, params string[] always)
    {
        var parts = always.Where(a => a.Length > 0).ToList();
        if (write && Chance(pcg, 15))
        {
            parts.Add("dryRun=All");
        }

        for (var i = Chance(pcg, 60) ? 0 : 1 + Next(pcg, 4); i > 0; i--)
        {
            var key = Pick(pcg, QueryKeys);
            if (key == "watch" && !always.Contains("watch=true"))
            {
                continue; // an unbounded watch would hold the case open
            }

            var value = key is "labelSelector" or "fieldSelector" && Chance(pcg, 80) ? Pick(pcg, Selectors) : Chance(pcg, 80) ? Pick(pcg, QueryValues) : OddString(pcg);
            if (key == "timeoutSeconds" && always.Contains("watch=true"))
            {
                continue;
            }

            parts.Add($"{key}={(Chance(pcg, 90) ? Uri.EscapeDataString(value) : value.Replace("#", "%23", StringComparison.Ordinal).Replace(" ", "+", StringComparison.Ordinal))}");
        }

        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static string Name(PCG pcg) => Chance(pcg, 70) ? $"fz-gone-{pcg.Next():x}" : Uri.EscapeDataString(OddString(pcg)) is { Length: > 0 } odd ? odd : "x";

    private static string? ContentType(PCG pcg, string usual) => Next(pcg, 100) switch
    {
        < 88 => usual,
        < 90 => null,
        < 93 => usual + "; charset=utf-8",
        _ => Pick(pcg, OddContentTypes),
    };

    private static byte[] Json(PCG pcg, JsonNode node)
    {
        if (Chance(pcg, 50))
        {
            try
            {
                return Encoding.UTF8.GetBytes(node.ToJsonString(Relaxed));
            }
            catch (ArgumentException)
            {
                // A lone surrogate cannot be written unescaped.
            }
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString(Escaped));
    }

    // YAML for apply: block style, scalars as JSON literals (valid YAML flow scalars), sometimes a whole flow document.
    private static byte[] Yaml(PCG pcg, JsonNode node)
    {
        if (Chance(pcg, 30))
        {
            return Encoding.UTF8.GetBytes("---\n" + node.ToJsonString(Escaped) + "\n");
        }

        var sb = new StringBuilder();
        Block(sb, node, 0);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Block(StringBuilder sb, JsonNode? node, int indent)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (key, value) in obj)
                {
                    sb.Append(pad).Append(JsonSerializer.Serialize(key)).Append(':');
                    Value(sb, value, indent + 2);
                }

                break;
            case JsonArray array when array.Count > 0:
                foreach (var item in array)
                {
                    sb.Append(pad).Append('-');
                    Value(sb, item, indent + 2);
                }

                break;
            default:
                sb.Append(pad).Append(node?.ToJsonString(Escaped) ?? "null").Append('\n');
                break;
        }
    }

    private static void Value(StringBuilder sb, JsonNode? value, int indent)
    {
        if (value is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
        {
            sb.Append('\n');
            Block(sb, value, indent);
        }
        else
        {
            sb.Append(' ').Append(value?.ToJsonString(Escaped) ?? "null").Append('\n');
        }
    }
}
