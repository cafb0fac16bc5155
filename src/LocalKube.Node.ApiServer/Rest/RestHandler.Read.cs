using System.Globalization;
using k8s.Models;
using LocalKube.Node.Machinery.Labels;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class RestHandler
{
    private async Task GetAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var format = Negotiate(context.Request, resource);
        var include = format.Kind == OutputKind.Table ? OutputFormat.IncludeObject(context.Request) : "Metadata";
        var stored = await _store.GetAsync(resource, path.Namespace, path.Name!, ct);

        // Plain JSON is the stored value with its resourceVersion, as lists and watches serve it: no decode; protobuf
        // is encoded from that same JSON.
        var body = (format.Kind, format.Protobuf) switch
        {
            (OutputKind.Json, false) => ObjectCodec.WithResourceVersion(stored.Raw.Span, stored.ModRevision),
            (OutputKind.Json, true) => ProtobufResponses.Object(resource.ApiVersion, resource.Kind, ObjectCodec.WithResourceVersion(stored.Raw.Span, stored.ModRevision)),
            (OutputKind.PartialMetadata, true) => ProtobufResponses.Partial(ObjectCodec.WithResourceVersion(stored.Raw.Span, stored.ModRevision)),
            _ => ResponseWriter.Object(resource, stored.Object, format, include, _time.GetUtcNow()),
        };
        await ResponseWriter.SendAsync(context, 200, format.ContentType, body, ct);
    }

    private async Task ListAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var format = Negotiate(context.Request, resource);
        var include = format.Kind == OutputKind.Table ? OutputFormat.IncludeObject(context.Request) : "Metadata";
        var options = ParseListOptions(context.Request, resource);
        var list = await _store.ListAsync(resource, path.Namespace, options, ct);
        if (format is { Kind: OutputKind.Json, Protobuf: false })
        {
            await JsonListStream.WriteAsync(context, resource, list, format.ContentType, ct);
            return;
        }

        await ResponseWriter.SendAsync(context, 200, format.ContentType, ResponseWriter.List(resource, list, format, include, _time.GetUtcNow()), ct);
    }

    /// <summary>The response format for <paramref name="resource"/>: protobuf only where the kind has a schema.</summary>
    private static OutputFormat Negotiate(HttpRequest request, RestResource resource) =>
        OutputFormat.Negotiate(request.Headers.Accept, Protobuf.KubeSchema.ForKind(resource.ApiVersion, resource.Kind) is not null);

    /// <summary>Parses the list and watch query parameters, validating them as upstream.</summary>
    internal static ListOptions ParseListOptions(HttpRequest request, RestResource resource)
    {
        var q = request.Query;
        var fields = FieldSelector.Parse(q["fieldSelector"]);
        if (!fields.IsEmpty && SelectableFieldNames(resource) is { } names)
        {
            fields.Validate(names);
        }

        long limit = 0;
        if (q["limit"].ToString() is { Length: > 0 } text && (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw StatusException.BadRequest($"limit: Invalid value: \"{text}\": must be a non-negative integer");
        }

        var rv = q["resourceVersion"].ToString();
        var match = q["resourceVersionMatch"].ToString();
        var cont = q["continue"].ToString();
        if (match.Length > 0)
        {
            if (rv.Length == 0)
            {
                throw StatusException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
            }

            if (match is not ("Exact" or "NotOlderThan"))
            {
                throw StatusException.BadRequest($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\"");
            }

            if (match == "Exact" && rv == "0")
            {
                throw StatusException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
            }
        }

        if (cont.Length > 0 && rv.Length > 0 && rv != "0")
        {
            throw StatusException.BadRequest("specifying resource version is not allowed when using continue");
        }

        ResourceStore.ParseRevision(rv);
        LabelSelector labels;
        try
        {
            labels = LabelSelector.Parse(q["labelSelector"]);
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest(e.Message);
        }

        return new ListOptions
        {
            Labels = labels,
            Fields = fields,
            Limit = limit,
            Continue = cont.Length > 0 ? cont : null,
            ResourceVersion = rv.Length > 0 ? rv : null,
            ResourceVersionMatch = match.Length > 0 ? match : null,
        };
    }

    // The field names a kind supports, from a blank object; null when the strategy cannot describe a blank one
    // (then unknown fields simply match nothing).
    private static ICollection<string>? SelectableFieldNames(RestResource resource)
    {
        try
        {
            var blank = (k8s.IKubernetesObject<V1ObjectMeta>)Activator.CreateInstance(resource.Strategy.ModelType)!;
            blank.Metadata = new V1ObjectMeta { Name = "", NamespaceProperty = "" };
            return resource.Strategy.SelectableFields(blank).Keys.ToHashSet();
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or MissingMethodException)
        {
            return null;
        }
    }
}
