using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Discovery;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The <c>paths</c> of one group-version, laid out as upstream's: per resource the collection path (list, create,
/// deletecollection), the item path (read, replace, patch, delete), the all-namespaces list, and the status and
/// scale subresources, each operation carrying <c>x-kubernetes-action</c> and <c>x-kubernetes-group-version-kind</c>
/// and the query parameters the server honours (kubectl reads <c>fieldValidation</c> off the patch operation to
/// decide that the server validates fields itself).
/// </summary>
internal static class OpenApiPaths
{
    private static readonly (string Name, string Type, string Text)[] WriteParameters =
    [
        ("dryRun", "string", "When set to All, the request is processed in full but nothing is persisted."),
        ("fieldManager", "string", "The name of the actor making the change, recorded in managedFields."),
        ("fieldValidation", "string", "How unknown or duplicate fields in the body are handled: Ignore drops them, Warn (the default) answers with a warning per field, Strict fails the request."),
    ];

    private static readonly (string Name, string Type, string Text)[] DeleteParameters =
    [
        ("dryRun", "string", "When set to All, the deletion is processed in full but nothing is persisted."),
        ("gracePeriodSeconds", "integer", "Seconds to wait before the object is deleted; zero deletes at once."),
        ("orphanDependents", "boolean", "Deprecated in favour of propagationPolicy: whether dependents are orphaned."),
        ("propagationPolicy", "string", "Whether and how dependents are garbage collected: Orphan, Background or Foreground."),
    ];

    private static readonly (string Name, string Type, string Text)[] ListParameters =
    [
        ("allowWatchBookmarks", "boolean", "Ask for BOOKMARK events on a watch."),
        ("continue", "string", "The token of the next page, from the previous page's metadata.continue."),
        ("fieldSelector", "string", "Only objects whose fields match this selector."),
        ("labelSelector", "string", "Only objects whose labels match this selector."),
        ("limit", "integer", "The largest number of objects to return; more pages are announced by metadata.continue."),
        ("resourceVersion", "string", "The resource version the list or watch starts from."),
        ("resourceVersionMatch", "string", "How resourceVersion is applied to a list: Exact or NotOlderThan."),
        ("sendInitialEvents", "boolean", "On a watch, start with synthetic events for the current objects."),
        ("timeoutSeconds", "integer", "Ends the list or watch after this many seconds."),
        ("watch", "boolean", "Stream changes as watch events instead of returning a list."),
    ];

    /// <summary>
    /// The paths of <paramref name="resources"/> (all of one group-version). <paramref name="names"/> gives the
    /// <c>$ref</c> of a resource's kind and list (or, with a subresource name, of what that subresource serves); null
    /// when the kind has no model.
    /// </summary>
    public static JsonObject Build(IEnumerable<ApiResourceDescriptor> resources, Func<ApiResourceDescriptor, string?, (string? Kind, string? List)> names,
        IReadOnlyList<string> patchTypes, SchemaBuilder schemas)
    {
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var statusRef = schemas.Ref(schemas.NameOf(typeof(V1Status)));
        var deleteRef = schemas.Ref(schemas.NameOf(typeof(V1DeleteOptions)));
        foreach (var r in resources)
        {
            var (kind, list) = names(r, null);
            if (kind is null)
            {
                continue;
            }

            var root = r.Group.Length == 0 ? $"/api/{r.Version}" : $"/apis/{r.Group}/{r.Version}";
            var collection = r.Namespaced ? $"{root}/namespaces/{{namespace}}/{r.Plural}" : $"{root}/{r.Plural}";
            var item = collection + "/{name}";
            var gvk = Gvk(r.Group, r.Version, r.Kind);
            var op = new Ops(r, schemas, patchTypes);
            var scope = r.Namespaced ? "Namespaced" : "";

            var collectionOps = new JsonObject();
            if (r.Verbs.Contains("list") && list is not null)
            {
                collectionOps["get"] = op.Operation("list", $"list{scope}", $"list or watch objects of kind {r.Kind}", gvk, ListParameters, null, ("200", list));
            }

            if (r.Verbs.Contains("create"))
            {
                collectionOps["post"] = op.Operation("post", $"create{scope}", $"create a {r.Kind}", gvk, WriteParameters, Json(kind), ("200", kind), ("201", kind), ("202", kind));
            }

            if (r.Verbs.Contains("deletecollection"))
            {
                collectionOps["delete"] = op.Operation("deletecollection", $"deleteCollection{scope}", $"delete collection of {r.Kind}", gvk,
                    [.. DeleteParameters, .. ListParameters], Json(deleteRef), ("200", statusRef));
            }

            if (collectionOps.Count > 0)
            {
                collectionOps["parameters"] = PathParameters(r.Namespaced, withName: false);
                paths[collection] = collectionOps;
            }

            var itemOps = new JsonObject();
            if (r.Verbs.Contains("get"))
            {
                itemOps["get"] = op.Operation("get", $"read{scope}", $"read the specified {r.Kind}", gvk, [], null, ("200", kind));
            }

            if (r.Verbs.Contains("update"))
            {
                itemOps["put"] = op.Operation("put", $"replace{scope}", $"replace the specified {r.Kind}", gvk, WriteParameters, Json(kind), ("200", kind), ("201", kind));
            }

            if (r.Verbs.Contains("patch"))
            {
                itemOps["patch"] = op.Patch($"patch{scope}", $"partially update the specified {r.Kind}", gvk, kind);
            }

            if (r.Verbs.Contains("delete"))
            {
                itemOps["delete"] = op.Operation("delete", $"delete{scope}", $"delete a {r.Kind}", gvk, DeleteParameters,
                    Json(deleteRef), ("200", statusRef), ("202", statusRef));
            }

            if (itemOps.Count > 0)
            {
                itemOps["parameters"] = PathParameters(r.Namespaced, withName: true);
                paths[item] = itemOps;
            }

            if (r.Namespaced && r.Verbs.Contains("list") && list is not null)
            {
                paths[$"{root}/{r.Plural}"] = new JsonObject
                {
                    ["get"] = op.Operation("list", "listForAllNamespaces", $"list or watch objects of kind {r.Kind}", gvk, ListParameters, null, ("200", list)),
                    ["parameters"] = new JsonArray(Query("pretty", "string", "If true, the output is indented.")),
                };
            }

            foreach (var sub in r.Subresources.Where(s => s.Name is "status" or "scale"))
            {
                var (subKind, _) = names(r, sub.Name);
                if (subKind is null)
                {
                    continue;
                }

                var subGvk = Gvk(sub.Group ?? r.Group, sub.Version ?? r.Version, sub.Kind ?? r.Kind);
                var label = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(sub.Name);
                var subOps = new JsonObject();
                if (sub.Verbs.Contains("get"))
                {
                    subOps["get"] = op.Operation("get", $"read{scope}{{0}}{label}", $"read {sub.Name} of the specified {r.Kind}", subGvk, [], null, ("200", subKind));
                }

                if (sub.Verbs.Contains("update"))
                {
                    subOps["put"] = op.Operation("put", $"replace{scope}{{0}}{label}", $"replace {sub.Name} of the specified {r.Kind}", subGvk, WriteParameters,
                        Json(subKind), ("200", subKind), ("201", subKind));
                }

                if (sub.Verbs.Contains("patch"))
                {
                    subOps["patch"] = op.Patch($"patch{scope}{{0}}{label}", $"partially update {sub.Name} of the specified {r.Kind}", subGvk, subKind);
                }

                subOps["parameters"] = PathParameters(r.Namespaced, withName: true);
                paths[$"{item}/{sub.Name}"] = subOps;
            }
        }

        var result = new JsonObject();
        foreach (var (path, ops) in paths)
        {
            result[path] = ops;
        }

        return result;
    }

    /// <summary>The operation-id infix of a group-version: <c>CoreV1</c>, <c>AppsV1</c>, <c>RbacAuthorizationV1</c>.</summary>
    public static string GroupId(string group, string version)
    {
        var name = group.Length == 0 ? "core" : group.Replace(".k8s.io", "", StringComparison.Ordinal);
        var parts = name.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Title);
        return string.Concat(parts) + Title(version);
    }

    private static string Title(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["kind"] = kind, ["version"] = version };

    private static JsonObject Json(string schema) => new()
    {
        ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = schema } } },
        ["required"] = true,
    };

    private static JsonArray PathParameters(bool namespaced, bool withName)
    {
        var parameters = new JsonArray();
        if (withName)
        {
            parameters.Add(PathParameter("name", "name of the object"));
        }

        if (namespaced)
        {
            parameters.Add(PathParameter("namespace", "object name and auth scope, such as for teams and projects"));
        }

        parameters.Add(Query("pretty", "string", "If true, the output is indented."));
        return parameters;
    }

    private static JsonObject PathParameter(string name, string text) => new()
    {
        ["description"] = text,
        ["in"] = "path",
        ["name"] = name,
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    public static JsonObject Query(string name, string type, string text) => new()
    {
        ["description"] = text,
        ["in"] = "query",
        ["name"] = name,
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };

    private sealed class Ops(ApiResourceDescriptor resource, SchemaBuilder schemas, IReadOnlyList<string> patchTypes)
    {
        private readonly string _tag = (resource.Group.Length == 0 ? "core" : resource.Group.Replace(".k8s.io", "", StringComparison.Ordinal)) + "_" + resource.Version;
        private readonly string _id = GroupId(resource.Group, resource.Version);

        // operationId "verb + GroupVersion + scope + Kind (+ subresource)", e.g. patchAppsV1NamespacedDeploymentScale.
        public JsonObject Operation(string action, string verb, string description, JsonObject gvk,
            IEnumerable<(string Name, string Type, string Text)> query, JsonObject? body, params (string Code, string Schema)[] responses)
        {
            var id = verb.Contains("{0}", StringComparison.Ordinal)
                ? verb.Replace("{0}", resource.Kind, StringComparison.Ordinal)
                : verb + resource.Kind;
            id = id.Insert(Prefix(id), _id);
            if (verb == "listForAllNamespaces")
            {
                id = "list" + _id + resource.Kind + "ForAllNamespaces";
            }

            var operation = new JsonObject
            {
                ["description"] = description,
                ["operationId"] = id,
                ["parameters"] = new JsonArray(query.Select(q => (JsonNode?)Query(q.Name, q.Type, q.Text)).ToArray()),
            };
            if (body is not null)
            {
                operation["requestBody"] = body;
            }

            var responseObject = new JsonObject();
            foreach (var (code, schema) in responses)
            {
                var content = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = schema } } };
                if (action == "list")
                {
                    content["application/json;stream=watch"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = schema } };
                }

                responseObject[code] = new JsonObject
                {
                    ["content"] = content,
                    ["description"] = code switch { "201" => "Created", "202" => "Accepted", _ => "OK" },
                };
            }

            responseObject["401"] = new JsonObject { ["description"] = "Unauthorized" };
            operation["responses"] = responseObject;
            operation["tags"] = new JsonArray(_tag);
            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = gvk.DeepClone();
            return operation;
        }

        public JsonObject Patch(string verb, string description, JsonObject gvk, string kind)
        {
            var operation = Operation("patch", verb, description, gvk,
                [.. WriteParameters, ("force", "boolean", "Take ownership of conflicting fields on an apply patch; must be unset for other patch types.")],
                null, ("200", kind), ("201", kind));
            var content = new JsonObject();
            foreach (var type in patchTypes)
            {
                content[type] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = schemas.Ref(SchemaNames.Patch) } };
            }

            operation["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
            return operation;
        }

        private static int Prefix(string id)
        {
            var i = 0;
            while (i < id.Length && char.IsLower(id[i]))
            {
                i++;
            }

            return i;
        }
    }
}
