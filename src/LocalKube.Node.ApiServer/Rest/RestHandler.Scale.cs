using System.Globalization;
using System.Text.Json;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    // /scale speaks autoscaling/v1 Scale (kubectl-protocol §7.5): GET maps the object to a Scale; PUT and PATCH map
    // the Scale's spec.replicas back onto the object, with the Scale's resourceVersion as precondition.
    private async Task ScaleAsync(HttpContext context, RestResource resource, IScaleStrategy scale, RestPath path, string method, CancellationToken ct)
    {
        if (HttpMethods.IsGet(method))
        {
            var stored = await _store.GetAsync(resource, path.Namespace, path.Name!, ct);
            await SendScaleAsync(context, resource, scale, stored.Object, ct);
            return;
        }

        if (!HttpMethods.IsPut(method) && !HttpMethods.IsPatch(method))
        {
            throw StatusException.MethodNotSupported(resource.Group, resource.Plural + "/scale", method);
        }

        var dryRun = DryRun(context.Request);
        var patcher = HttpMethods.IsPatch(method) ? Patcher(context.Request) : null;
        OutputFormat.Negotiate(context.Request.Headers.Accept);
        var body = await RequestBody.ReadAsync(context.Request, ct);
        var updated = await _store.UpdateAsync(resource, path.Namespace, path.Name!, current =>
        {
            var currentScale = ObjectCodec.ToNode(ToScale(resource, scale, current.Object));
            var node = patcher is null ? Protobuf.ObjectBody.Parse(RequestBody.MediaType(context.Request), context.Request.ContentType, body) : patcher.Apply(resource, currentScale, body);
            V1Scale requested;
            try
            {
                requested = node.Deserialize<V1Scale>(ObjectCodec.Options) ?? new V1Scale();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException or ArgumentException or OverflowException)
            {
                throw StatusException.BadRequest($"Scale in version \"v1\" cannot be handled as a Scale: {e.Message}");
            }

            ResourceStore.CheckResourceVersion(resource, current, requested.Metadata?.ResourceVersion);
            var replicas = requested.Spec?.Replicas ?? 0;
            if (replicas < 0)
            {
                throw StatusException.Invalid("autoscaling", "Scale", path.Name!, [StatusCauses.Invalid("spec.replicas", replicas, "must be greater than or equal to 0")]);
            }

            var obj = current.Object;
            scale.SetSpecReplicas(obj, replicas);
            TrackUpdate(context.Request, resource, current, obj, UpdateScope.Main, "scale");
            return obj;
        }, UpdateScope.Main, dryRun, ct);
        await SendScaleAsync(context, resource, scale, updated, ct);
    }

    private static V1Scale ToScale(RestResource resource, IScaleStrategy scale, k8s.IKubernetesObject<V1ObjectMeta> obj) => new()
    {
        ApiVersion = "autoscaling/v1",
        Kind = "Scale",
        Metadata = new V1ObjectMeta
        {
            Name = obj.Metadata.Name,
            NamespaceProperty = obj.Metadata.NamespaceProperty,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
            CreationTimestamp = obj.Metadata.CreationTimestamp,
        },
        Spec = new V1ScaleSpec { Replicas = scale.SpecReplicas(obj) },
        Status = new V1ScaleStatus { Replicas = scale.StatusReplicas(obj), Selector = scale.Selector(obj) },
    };

    private static async Task SendScaleAsync(HttpContext context, RestResource resource, IScaleStrategy scale, k8s.IKubernetesObject<V1ObjectMeta> obj, CancellationToken ct)
    {
        var json = ObjectCodec.ToBytes(ToScale(resource, scale, obj));
        var format = OutputFormat.Negotiate(context.Request.Headers.Accept);
        await (format.Protobuf
            ? ResponseWriter.SendAsync(context, 200, Protobuf.KubeProtobuf.MediaType, ProtobufResponses.Object("autoscaling/v1", "Scale", json), ct)
            : ResponseWriter.SendAsync(context, 200, "application/json", json, ct));
    }
}
