using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Protobuf;
using LocalKube.Node.ApiServer.Resources;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    private async Task CreateAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var request = context.Request;
        var dryRun = DryRun(request);
        var warnings = new List<string>();
        var obj = await ReadObjectAsync(request, resource, warnings, ct);
        var meta = obj.Metadata;
        if (resource.Namespaced)
        {
            if (!string.IsNullOrEmpty(meta.NamespaceProperty) && meta.NamespaceProperty != path.Namespace && path.Namespace is not null)
            {
                throw StatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta.NamespaceProperty = path.Namespace ?? meta.NamespaceProperty;
            if (path.Namespace is null)
            {
                throw StatusException.MethodNotSupported(resource.Group, resource.Plural, "create");
            }
        }

        TrackUpdate(request, resource, null, obj, UpdateScope.Main);
        var created = await _store.CreateAsync(resource, obj, dryRun, ct);
        AddWarnings(context, warnings);
        await SendObjectAsync(context, resource, created, 201, ct);
    }

    private async Task UpdateAsync(HttpContext context, RestResource resource, RestPath path, UpdateScope scope, CancellationToken ct)
    {
        var request = context.Request;
        var dryRun = DryRun(request);
        var warnings = new List<string>();
        var obj = await ReadObjectAsync(request, resource, warnings, ct);
        if (resource.Namespaced && string.IsNullOrEmpty(obj.Metadata.NamespaceProperty))
        {
            obj.Metadata.NamespaceProperty = path.Namespace;
        }

        var requested = obj.Metadata.ResourceVersion;
        var updated = await _store.UpdateAsync(resource, path.Namespace, path.Name!, current =>
        {
            ResourceStore.CheckResourceVersion(resource, current, requested);
            TrackUpdate(request, resource, current, obj, scope);
            return obj;
        }, scope, dryRun, ct);
        AddWarnings(context, warnings);
        await SendObjectAsync(context, resource, updated, 200, ct);
    }

    private async Task PatchAsync(HttpContext context, RestResource resource, RestPath path, UpdateScope scope, CancellationToken ct)
    {
        var request = context.Request;
        if (RequestBody.MediaType(request) == ApplyPatchMediaType)
        {
            await ApplyAsync(context, resource, path, scope, ct);
            return;
        }

        RejectForceOnNonApply(request);
        var dryRun = DryRun(request);
        var patcher = Patcher(request);

        // As for create and update: an unservable Accept is refused before anything is written.
        OutputFormat.Negotiate(request.Headers.Accept);
        var body = await RequestBody.ReadAsync(request, ct);
        var validation = request.Query["fieldValidation"].ToString();
        var duplicates = DuplicateFields.Find(body);
        var warnings = new List<string>();
        var updated = await _store.UpdateAsync(resource, path.Namespace, path.Name!, current =>
        {
            var patched = patcher.Apply(resource, ObjectCodec.ParseObject(ObjectCodec.WithResourceVersion(current.Raw.Span, current.ModRevision)), body);

            // Retries (conflicts) decode again: keep only the last attempt's warnings.
            warnings.Clear();
            var obj = RequestBody.Decode(resource, patched, validation, warnings, duplicates, System.Text.Encoding.UTF8.GetString(body));
            ResourceStore.CheckResourceVersion(resource, current, obj.Metadata.ResourceVersion);
            TrackUpdate(request, resource, current, obj, scope);
            return obj;
        }, scope, dryRun, ct);
        AddWarnings(context, warnings);
        await SendObjectAsync(context, resource, updated, 200, ct);
    }

    private async Task DeleteAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        OutputFormat.Negotiate(context.Request.Headers.Accept);
        var options = await ReadDeleteOptionsAsync(context.Request, ct);
        var result = await _store.DeleteAsync(resource, path.Namespace, path.Name!, options, DryRun(context.Request), ct);
        if (result.Removed && !(resource.Strategy is IDeletionStrategy { ReturnDeletedObject: true }))
        {
            var details = new StatusDetails(result.Object.Metadata.Name, resource.Group, resource.Plural) { Uid = result.Object.Metadata.Uid };
            var (contentType, body) = ResponseWriter.Status(Negotiate(context.Request, resource), StatusException.RenderStatus(200, null, "", details));
            await ResponseWriter.SendAsync(context, 200, contentType, body, ct);
            return;
        }

        await SendObjectAsync(context, resource, result.Object, 200, ct);
    }

    private async Task DeleteCollectionAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var listOptions = ParseListOptions(context.Request, resource) with { Limit = 0, Continue = null };
        var options = await ReadDeleteOptionsAsync(context.Request, ct);
        var dryRun = DryRun(context.Request);
        var list = await _store.ListAsync(resource, path.Namespace, listOptions, ct);
        var deleted = new List<StoredObject>();
        foreach (var item in list.Items)
        {
            try
            {
                var result = await _store.DeleteAsync(resource, item.Object.Metadata.NamespaceProperty, item.Object.Metadata.Name, options, dryRun, ct);
                var rv = long.Parse(result.Object.Metadata.ResourceVersion, CultureInfo.InvariantCulture);
                deleted.Add(new StoredObject(result.Object, ObjectCodec.ToBytes(result.Object), rv));
            }
            catch (StatusException e) when (e.Code == 404)
            {
                // Deleted meanwhile: upstream skips it too.
            }
        }

        var format = Negotiate(context.Request, resource) with { Kind = OutputKind.Json };
        var body = ResponseWriter.List(resource, new ListResult(deleted, list.Revision, null, null), format, "Metadata", _time.GetUtcNow());
        await ResponseWriter.SendAsync(context, 200, format.ContentType, body, ct);
    }

    private async Task<IKubernetesObject<V1ObjectMeta>> ReadObjectAsync(HttpRequest request, RestResource resource, List<string> warnings, CancellationToken ct)
    {
        var media = RequestBody.MediaType(request);
        if (!ObjectBody.Accepts(media))
        {
            throw StatusException.UnsupportedMediaType(request.ContentType ?? "");
        }

        // Upstream refuses an unservable Accept before it touches storage.
        Negotiate(request, resource);
        var body = await RequestBody.ReadAsync(request, ct);
        // Found once: the parse needs them (last key wins) and so does field validation (Strict/Warn).
        var duplicates = media == KubeProtobuf.MediaType ? null : DuplicateFields.Find(body);
        return RequestBody.Decode(resource, ObjectBody.Parse(media, request.ContentType, body, duplicates), request.Query["fieldValidation"], warnings, duplicates);
    }

    private static async Task<V1DeleteOptions> ReadDeleteOptionsAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, ct);
        V1DeleteOptions options;
        try
        {
            // client-go's typed clients send DeleteOptions as protobuf; everything else as JSON.
            var media = RequestBody.MediaType(request);
            options = body.Length == 0 ? new V1DeleteOptions()
                : media == KubeProtobuf.MediaType ? ObjectBody.Parse(media, request.ContentType, body).Deserialize<V1DeleteOptions>(ObjectCodec.Options) ?? new V1DeleteOptions()
                : JsonSerializer.Deserialize<V1DeleteOptions>(body, ObjectCodec.Options) ?? new V1DeleteOptions();
        }
        catch (JsonException e)
        {
            throw StatusException.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }

        var q = request.Query;
        if (q["gracePeriodSeconds"].ToString() is { Length: > 0 } grace && long.TryParse(grace, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g))
        {
            options.GracePeriodSeconds ??= g;
        }

        if (q["propagationPolicy"].ToString() is { Length: > 0 } policy)
        {
            options.PropagationPolicy ??= policy;
        }

        if (q["orphanDependents"].ToString() is { Length: > 0 } orphan)
        {
            options.OrphanDependents ??= orphan == "true";
        }

        return options;
    }

    private IPatchHandler Patcher(HttpRequest request)
    {
        var media = RequestBody.MediaType(request);
        return _patchers.TryGetValue(media, out var patcher)
            ? patcher
            : throw new StatusException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", _patchers.Keys.Append(ApplyPatchMediaType))}");
    }

    private async Task SendObjectAsync(HttpContext context, RestResource resource, IKubernetesObject<V1ObjectMeta> obj, int status, CancellationToken ct)
    {
        var format = Negotiate(context.Request, resource);
        var include = format.Kind == OutputKind.Table ? OutputFormat.IncludeObject(context.Request) : "Metadata";
        await ResponseWriter.SendAsync(context, status, format.ContentType, ResponseWriter.Object(resource, obj, format, include, _time.GetUtcNow()), ct);
    }
}
