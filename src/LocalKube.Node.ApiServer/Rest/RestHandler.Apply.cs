using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Apply;
using LocalKube.Node.ApiServer.Catalog.Validation;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    /// <summary>The server-side apply PATCH media type.</summary>
    public const string ApplyPatchMediaType = "application/apply-patch+yaml";

    // PATCH with application/apply-patch+yaml: merge the configuration with field ownership, creating the object when
    // it does not exist (201), as upstream's patch handler does for apply.
    private async Task ApplyAsync(HttpContext context, RestResource resource, RestPath path, UpdateScope scope, CancellationToken ct)
    {
        var request = context.Request;
        OutputFormat.Negotiate(request.Headers.Accept);
        var dryRun = DryRun(request);
        var manager = request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            throw StatusException.Invalid("meta.k8s.io", "PatchOptions", "", [StatusCauses.Required("fieldManager", "is required for apply patch")]);
        }

        ValidateFieldManager(request, manager);
        var force = request.Query["force"].ToString() == "true";
        var config = ApplyYaml.Parse(await RequestBody.ReadAsync(request, ct));
        FieldManager.CheckConfig(resource.ApiVersion, resource.Kind, config);
        var warnings = new List<string>();
        RequestBody.Decode(resource, (JsonObject)config.DeepClone(), request.Query["fieldValidation"], warnings);
        var schema = ApplySchema.For(resource.Strategy.ModelType);
        var fieldScope = FieldScopeOf(resource, scope);
        while (true)
        {
            var existing = await _store.TryGetAsync(resource, path.Namespace, path.Name!, ct);
            if (existing is null)
            {
                if (scope != UpdateScope.Main)
                {
                    throw StatusException.NotFound(resource.Group, resource.Plural, path.Name!);
                }

                var skeleton = new JsonObject { ["apiVersion"] = resource.ApiVersion, ["kind"] = resource.Kind, ["metadata"] = new JsonObject { ["name"] = path.Name } };
                var result = FieldManager.Apply(skeleton, config, schema, resource.ApiVersion, manager, force, fieldScope, Now());
                var obj = RequestBody.Decode(resource, result.Object, "Ignore", []);
                if (obj.Metadata.Name != path.Name)
                {
                    throw StatusException.BadRequest($"the name of the object ({obj.Metadata.Name}) does not match the name on the URL ({path.Name})");
                }

                if (!string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
                {
                    // A resourceVersion precondition on an object that does not exist cannot hold.
                    throw StatusException.NotFound(resource.Group, resource.Plural, path.Name!);
                }

                if (resource.Namespaced)
                {
                    if (!string.IsNullOrEmpty(obj.Metadata.NamespaceProperty) && obj.Metadata.NamespaceProperty != path.Namespace)
                    {
                        throw StatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                    }

                    obj.Metadata.NamespaceProperty = path.Namespace;
                }

                try
                {
                    var created = await _store.CreateAsync(resource, obj, dryRun, ct);
                    AddWarnings(context, warnings);
                    await SendObjectAsync(context, resource, created, 201, ct);
                    return;
                }
                catch (StatusException e) when (e.Code == 409 && e.Reason == "AlreadyExists")
                {
                    continue; // created meanwhile: apply to it
                }
            }

            var updated = await _store.UpdateAsync(resource, path.Namespace, path.Name!, current =>
            {
                var live = ObjectCodec.ParseObject(ObjectCodec.WithResourceVersion(current.Raw.Span, current.ModRevision));
                var result = FieldManager.Apply(live, config, schema, resource.ApiVersion, manager, force, fieldScope, Now());
                var obj = RequestBody.Decode(resource, result.Object, "Ignore", []);
                ResourceStore.CheckResourceVersion(resource, current, obj.Metadata.ResourceVersion);
                return obj;
            }, scope, dryRun, ct);
            AddWarnings(context, warnings);
            await SendObjectAsync(context, resource, updated, 200, ct);
            return;
        }
    }

    // The one hook of the shared write path: records managedFields for a create, update or non-apply patch (an Update
    // operation) on the object about to be written. The manager is ?fieldManager=, else the User-Agent's product.
    private void TrackUpdate(HttpRequest request, RestResource resource, StoredObject? current, IKubernetesObject<V1ObjectMeta> obj, UpdateScope scope, string? subresource = null)
    {
        var manager = request.Query["fieldManager"].ToString();
        ValidateFieldManager(request, manager);
        if (manager.Length == 0)
        {
            var agent = request.Headers.UserAgent.ToString();
            var slash = agent.IndexOf('/', StringComparison.Ordinal);
            manager = slash < 0 ? agent : agent[..slash];
        }

        var fieldScope = FieldScopeOf(resource, scope);
        if (subresource is not null)
        {
            fieldScope = fieldScope with { Subresource = subresource };
        }

        var old = current is null ? null : ObjectCodec.ParseObject(current.Raw.Span);
        var fields = FieldManager.Update(old, ObjectCodec.ToNode(obj), ApplySchema.For(resource.Strategy.ModelType), resource.ApiVersion, manager, fieldScope, Now(), owned: true);
        obj.Metadata ??= new V1ObjectMeta();
        obj.Metadata.ManagedFields = fields is { Count: > 0 } ? fields.Deserialize<List<V1ManagedFieldsEntry>>(ObjectCodec.Options) : null;
    }

    // Upstream's ValidateFieldManager on Create/Update/PatchOptions: at most 128 bytes, printable characters only.
    private static void ValidateFieldManager(HttpRequest request, string manager)
    {
        var options = HttpMethods.IsPost(request.Method) ? "CreateOptions" : HttpMethods.IsPut(request.Method) ? "UpdateOptions" : "PatchOptions";
        if (System.Text.Encoding.UTF8.GetByteCount(manager) > 128)
        {
            throw StatusException.Invalid("meta.k8s.io", options, "", [StatusCauses.TooLong("fieldManager", 128)]);
        }

        var at = 0;
        foreach (var rune in manager.EnumerateRunes())
        {
            if (System.Text.Rune.IsControl(rune) || System.Text.Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
            {
                var detail = $"invalid character U+{rune.Value:X4} (at position {at.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
                throw StatusException.Invalid("meta.k8s.io", options, "", [StatusCauses.Invalid("fieldManager", manager, detail)]);
            }

            at += rune.Utf8SequenceLength;
        }
    }

    private static void RejectForceOnNonApply(HttpRequest request)
    {
        if (request.Query.ContainsKey("force"))
        {
            throw StatusException.Invalid("meta.k8s.io", "PatchOptions", "", [StatusCauses.Forbidden("force", "may not be specified for non-apply patch")]);
        }
    }

    private static FieldScope FieldScopeOf(RestResource resource, UpdateScope scope) => scope switch
    {
        UpdateScope.Status => new FieldScope("status", f => f == "status"),
        UpdateScope.Finalize => new FieldScope("finalize", f => f == "spec"),
        UpdateScope.EphemeralContainers => new FieldScope("ephemeralcontainers", f => f == "spec"),
        _ when resource.HasStatus => new FieldScope(null, f => f != "status"),
        _ => FieldScope.All,
    };

    private DateTime Now()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
