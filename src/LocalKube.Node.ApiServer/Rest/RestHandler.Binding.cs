using System.Text.Json;
using k8s.Models;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Resources;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    /// <summary>
    /// <c>POST pods/&lt;name&gt;/binding</c> (k/k <c>pkg/registry/core/pod/storage BindingREST</c>): sets
    /// <c>spec.nodeName</c>, copies the binding's annotations and sets <c>PodScheduled=True</c> in one storage
    /// update; refuses a pod that is deleting, already bound or still gated with a 409 on <c>pods/binding</c>.
    /// </summary>
    private async Task BindAsync(HttpContext context, RestResource pods, RestPath path, CancellationToken ct)
    {
        var dryRun = DryRun(context.Request);
        var binding = await ReadSubresourceBodyAsync<V1Binding>(context.Request, ct);
        if (binding.Metadata?.Name != path.Name)
        {
            throw StatusException.BadRequest("name in URL does not match name in Binding object");
        }

        var target = binding.Target;
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(target?.Kind) && target.Kind != "Node")
        {
            problems.Add($"target.kind: Unsupported value: \"{target.Kind}\": supported values: \"Node\", \"<empty>\"");
        }

        if (string.IsNullOrEmpty(target?.Name))
        {
            problems.Add("target.name: Required value");
        }

        if (problems.Count > 0)
        {
            // Upstream returns the aggregated field errors as a plain error: a 500 without a reason.
            var text = problems.Count == 1 ? problems[0] : "[" + string.Join(", ", problems) + "]";
            throw new StatusException(500, "", text);
        }

        var uid = binding.Metadata!.Uid;
        var resourceVersion = binding.Metadata.ResourceVersion;
        try
        {
            await _store.GuaranteedUpdateAsync(pods, path.Namespace, path.Name!, (obj, now) =>
            {
                var pod = (V1Pod)obj;
                var meta = pod.Metadata;
                if (!string.IsNullOrEmpty(uid) && uid != meta.Uid)
                {
                    throw StatusException.Conflict("", "pods", meta.Name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Uid}");
                }

                if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != meta.ResourceVersion)
                {
                    throw StatusException.Conflict("", "pods", meta.Name,
                        $"Precondition failed: ResourceVersion in precondition: {resourceVersion}, ResourceVersion in object meta: {meta.ResourceVersion}");
                }

                if (meta.DeletionTimestamp is not null)
                {
                    throw BindingConflict(meta.Name, $"pod {meta.Name} is being deleted, cannot be assigned to a host");
                }

                if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
                {
                    throw BindingConflict(meta.Name, $"pod {meta.Name} is already assigned to node \"{pod.Spec.NodeName}\"");
                }

                if (pod.Spec?.SchedulingGates is { Count: > 0 })
                {
                    throw BindingConflict(meta.Name, $"pod {meta.Name} has non-empty .spec.schedulingGates");
                }

                pod.Spec!.NodeName = target!.Name;
                foreach (var (key, value) in binding.Metadata.Annotations ?? new Dictionary<string, string>())
                {
                    (meta.Annotations ??= new Dictionary<string, string>())[key] = value;
                }

                PodConditions.Set(pod, new V1PodCondition { Type = "PodScheduled", Status = "True" }, now);
                return true;
            }, dryRun, ct);
        }
        catch (StatusException e) when (e.Code == 404)
        {
            throw StatusException.NotFound("", "pods", path.Name!);
        }

        await SendSuccessAsync(context, ct);
    }

    private static StatusException BindingConflict(string name, string why) => StatusException.Conflict("", "pods/binding", name, why);

    private static async Task<T> ReadSubresourceBodyAsync<T>(HttpRequest request, CancellationToken ct)
    {
        var media = RequestBody.MediaType(request);
        if (media is not ("application/json" or ""))
        {
            throw StatusException.UnsupportedMediaType(request.ContentType ?? "");
        }

        var body = await RequestBody.ReadAsync(request, ct);
        try
        {
            return JsonSerializer.Deserialize<T>(body, ObjectCodec.Options) ?? throw StatusException.BadRequest("the request body is empty");
        }
        catch (JsonException e)
        {
            throw StatusException.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    // Upstream answers a successful binding or eviction with a bare Success Status (HTTP 201, like any create).
    private static Task SendSuccessAsync(HttpContext context, CancellationToken ct) =>
        ResponseWriter.SendAsync(context, 201, ApiStatus.ContentType, StatusException.RenderStatus(201, null, "", null), ct);
}
