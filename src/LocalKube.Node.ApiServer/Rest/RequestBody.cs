using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Reads and decodes request bodies as upstream's handlers do: at most 3 MiB (413 beyond), JSON only for objects
/// (415 otherwise), malformed or too deeply nested JSON a 400, a wrong field type a 400 worded like upstream's
/// decoder error, and unknown fields per <c>fieldValidation</c>.
/// </summary>
public static class RequestBody
{
    /// <summary>Largest request body (upstream's MaxRequestBodyBytes).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Reads the whole body, refusing more than <see cref="MaxBytes"/>. A text body (anything but protobuf) has its
    /// invalid UTF-8 replaced as Go's decoder reads it (<see cref="GoUtf8"/>), and a JSON body its unpaired surrogate
    /// escapes too.
    /// </summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBytesAsync(request, cancellationToken);
        var media = MediaType(request);
        if (media == Protobuf.KubeProtobuf.MediaType)
        {
            return body;
        }

        body = GoUtf8.ReplaceInvalid(body);
        var json = media.EndsWith("json", StringComparison.Ordinal) || (media == "application/apply-patch+yaml" && body.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8));
        return json ? GoUtf8.ReplaceLoneSurrogateEscapes(body) : body;
    }

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        // A declared length sizes the buffer once (one byte more, for the read that sees the end): asking for a fixed
        // 16 KiB each time grew it on every request.
        var declared = request.ContentLength is > 0 and <= MaxBytes;
        var buffer = new ArrayBufferWriter<byte>(declared ? (int)request.ContentLength!.Value + 1 : 4096);
        while (true)
        {
            var memory = buffer.GetMemory(declared ? 1 : 16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
            {
                throw TooLarge();
            }
        }
    }

    /// <summary>The media type without parameters, lower case; empty when absent.</summary>
    public static string MediaType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() ?? "" : "";
    }

    /// <summary>Parses a JSON body into a tree.</summary>
    /// <param name="body">The JSON.</param>
    /// <param name="duplicates">The body's repeated keys when the caller already found them (<see cref="DuplicateFields.Find"/>).</param>
    /// <exception cref="StatusException">400 for malformed or too deeply nested JSON.</exception>
    public static JsonObject Parse(ReadOnlySpan<byte> body, IReadOnlyList<string>? duplicates = null)
    {
        try
        {
            // Go's decoder keeps the last of repeated keys (field validation reports them); System.Text.Json's tree refuses them.
            return (duplicates ?? DuplicateFields.Find(body)).Count > 0 ? DuplicateFields.ParseLastWins(body) : ObjectCodec.ParseObject(body);
        }
        // The published agent trims exception texts to resource keys (e.g. "ArrayDepthTooLarge"): match both.
        catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.Ordinal) || e.Message.Contains("DepthTooLarge", StringComparison.Ordinal))
        {
            throw StatusException.BadRequest($"the request body is nested too deeply: JSON is limited to {ObjectCodec.MaxDepth} levels of nesting");
        }
        catch (JsonException e)
        {
            throw StatusException.BadRequest($"couldn't get version/kind; json parse error: {GoJsonSyntax.Describe(body) ?? FirstSentence(e.Message)}");
        }
    }

    /// <summary>
    /// Decodes an object of <paramref name="resource"/>'s kind from a parsed body, checking its apiVersion and kind,
    /// and reports unknown fields (Strict: 400; otherwise returned for Warning headers).
    /// </summary>
    /// <param name="resource">The kind expected.</param>
    /// <param name="node">The object.</param>
    /// <param name="fieldValidation">Strict, Warn (the default when absent) or Ignore.</param>
    /// <param name="warnings">Receives one warning per problem under Warn.</param>
    /// <param name="duplicates">Paths of keys the body repeated (<see cref="DuplicateFields"/>).</param>
    /// <param name="patch">The PATCH body when <paramref name="node"/> is a patched object: strict errors are then a 422 on <c>patch</c>.</param>
    public static IKubernetesObject<V1ObjectMeta> Decode(RestResource resource, JsonObject node, string? fieldValidation, List<string> warnings,
        IReadOnlyList<string>? duplicates = null, string? patch = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(node);
        var apiVersion = node["apiVersion"] is JsonValue v && v.TryGetValue<string>(out var av) ? av : null;
        var kind = node["kind"] is JsonValue k && k.TryGetValue<string>(out var kv) ? kv : null;
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != resource.ApiVersion)
        {
            throw StatusException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != resource.Kind)
        {
            throw StatusException.BadRequest($"the object provided is unrecognized (must be of type {resource.Kind}): kind {FieldQuote(kind)}");
        }

        IKubernetesObject<V1ObjectMeta> obj;
        try
        {
            GoNullElements.Replace(node, resource.Strategy.ModelType);
            obj = ObjectCodec.ToObject(node, resource.Strategy.ModelType);
        }
        catch (GoQuantity.FormatError e)
        {
            // Go's Quantity decoder words its own error, without a field path.
            throw StatusException.BadRequest($"{resource.Kind} in version \"{resource.Descriptor.Version}\" cannot be handled as a {resource.Kind}: {e.Message}");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or InvalidCastException or ArgumentException
            or OverflowException or NotSupportedException)
        {
            // NotSupportedException: a JSON kind the model's converter cannot take (an object for an IntOrString); its
            // path is only in the message.
            var path = (e as JsonException)?.Path ?? (e is NotSupportedException ? PathIn(e.Message) : null);
            throw StatusException.BadRequest(
                $"{resource.Kind} in version \"{resource.Descriptor.Version}\" cannot be handled as a {resource.Kind}: "
                + (GoTypeError.Describe(resource.Strategy.ModelType, node, path) ?? DescribeTypeError(resource, e)));
        }

        if (!string.Equals(fieldValidation, "Ignore", StringComparison.OrdinalIgnoreCase))
        {
            var problems = (duplicates ?? []).Select(d => $"duplicate field \"{d}\"")
                .Concat(UnknownFields.Find(node, ObjectCodec.ToNode(obj)).Select(u => $"unknown field \"{u}\"")).ToList();
            if (problems.Count > 0 && string.Equals(fieldValidation, "Strict", StringComparison.OrdinalIgnoreCase))
            {
                var strict = "strict decoding error: " + string.Join(", ", problems);
                if (patch is not null)
                {
                    throw StatusException.Invalid("", "", "", [StatusCauses.Invalid("patch", patch, strict)]);
                }

                throw StatusException.BadRequest(
                    $"{resource.Kind} in version \"{resource.Descriptor.Version}\" cannot be handled as a {resource.Kind}: {strict}");
            }

            warnings.AddRange(problems);
        }

        obj.Metadata ??= new V1ObjectMeta();
        return obj;
    }

    private static string? PathIn(string message)
    {
        var at = message.IndexOf("Path: $", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = message.IndexOf(' ', at + 6);
        return end < 0 ? message[(at + 6)..] : message[(at + 6)..end];
    }

    private static StatusException TooLarge() => StatusException.TooLarge($"Request entity too large: limit is {MaxBytes}");

    // "json: cannot unmarshal string into Go struct field ConfigMap.data of type map" is upstream's; ours names the
    // JSON path and the expected type the same way.
    private static string DescribeTypeError(RestResource resource, Exception e)
    {
        var path = (e as JsonException)?.Path;
        if (string.IsNullOrEmpty(path))
        {
            return FirstSentence(e.Message);
        }

        var field = path.TrimStart('$').TrimStart('.');
        var at = e.Message.IndexOf("converted to ", StringComparison.Ordinal);
        var target = at < 0 ? "" : GoType(FirstSentence(e.Message[(at + 13)..]).TrimEnd('.'));
        return $"json: cannot unmarshal value into Go struct field {resource.Kind}.{field} of type {(target.Length > 0 ? target : "a different JSON type")}";
    }

    private static string GoType(string dotnet) => dotnet switch
    {
        var t when t.Contains("Dictionary", StringComparison.Ordinal) => "map[string]string",
        var t when t.EndsWith("String", StringComparison.Ordinal) => "string",
        var t when t.Contains("Int32", StringComparison.Ordinal) => "int32",
        var t when t.Contains("Int64", StringComparison.Ordinal) => "int64",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "bool",
        var t when t.Contains("List", StringComparison.Ordinal) => "array",
        var t => t.TrimEnd(),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    private static string FieldQuote(string s) => StatusCauses.Quote(s);
}
