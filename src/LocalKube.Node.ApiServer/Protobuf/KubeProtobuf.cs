using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Decodes <c>application/vnd.kubernetes.protobuf</c> request bodies: the 4-byte magic <c>k8s\0</c>, then a
/// runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType} whose raw
/// bytes are the kind's own message. The result is the JSON object a client would have sent as JSON.
/// </summary>
public static class KubeProtobuf
{
    /// <summary>The Kubernetes protobuf media type.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Decodes an enveloped object into JSON with its apiVersion and kind first.</summary>
    /// <exception cref="StatusException">400 for a malformed body; 415 for a kind or encoding we cannot decode.</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw StatusException.BadRequest("empty data");
        }

        if (!body.StartsWith(Magic))
        {
            throw StatusException.BadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }

        string apiVersion = "", kind = "", encoding = "";
        ReadOnlySpan<byte> raw = default;
        try
        {
            var reader = new WireReader(body[Magic.Length..]);
            while (!reader.End)
            {
                var (number, wire) = reader.ReadTag();
                if (wire != WireType.LengthDelimited || number is < 1 or > 3)
                {
                    reader.Skip(wire);
                    continue;
                }

                var value = reader.ReadLengthDelimited();
                switch (number)
                {
                    case 1:
                        (apiVersion, kind) = ReadTypeMeta(value);
                        break;
                    case 2:
                        raw = value;
                        break;
                    default:
                        encoding = Encoding.UTF8.GetString(value);
                        break;
                }
            }
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest($"unable to decode the protobuf envelope: {e.Message}");
        }

        if (kind.Length == 0)
        {
            throw StatusException.BadRequest("Object 'Kind' is missing in the protobuf envelope");
        }

        if (encoding.Length > 0)
        {
            throw Unsupported($"the protobuf content encoding \"{encoding}\" is not supported");
        }

        var message = KubeSchema.ForKind(apiVersion, kind)
            ?? throw Unsupported($"protobuf is not supported for {(apiVersion.Length == 0 ? "" : apiVersion + ", ")}Kind={kind}; send it as application/json");
        JsonObject fields;
        try
        {
            fields = ProtobufJson.ReadObject(message, raw);
        }
        catch (FormatException e)
        {
            throw StatusException.BadRequest($"unable to decode {kind} from protobuf: {e.Message}");
        }

        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            obj[name] = value;
        }

        return obj;
    }

    /// <summary>
    /// Encodes <paramref name="json"/> (an object with apiVersion and kind) in the Kubernetes envelope: the magic, then a
    /// runtime.Unknown {typeMeta, raw, contentEncoding "", contentType ""} as upstream's serializer writes it.
    /// </summary>
    /// <exception cref="StatusException">406 when the kind has no protobuf schema.</exception>
    public static byte[] Encode(System.Text.Json.JsonElement json, string apiVersion, string kind)
    {
        var message = KubeSchema.ForKind(apiVersion, kind)
            ?? throw StatusException.NotAcceptable();
        byte[] raw;
        try
        {
            raw = ProtobufWriter.Write(message, json);
        }
        catch (FormatException e)
        {
            throw StatusException.Internal($"unable to encode {kind} as protobuf: {e.Message}");
        }

        return Envelope(apiVersion, kind, raw);
    }

    /// <summary>The envelope around already encoded message bytes.</summary>
    public static byte[] Envelope(string apiVersion, string kind, ReadOnlySpan<byte> raw)
    {
        var typeMeta = new WireWriter(64);
        typeMeta.Tag(1, WireType.LengthDelimited);
        typeMeta.String(apiVersion);
        typeMeta.Tag(2, WireType.LengthDelimited);
        typeMeta.String(kind);
        var output = new WireWriter(raw.Length + 64);
        output.Raw(Magic);
        output.Message(1, typeMeta);
        output.Tag(2, WireType.LengthDelimited);
        output.Bytes(raw);
        output.Tag(3, WireType.LengthDelimited);
        output.String("");
        output.Tag(4, WireType.LengthDelimited);
        output.String("");
        return output.Written.ToArray();
    }

    private static StatusException Unsupported(string why) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - {why}");

    private static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> data)
    {
        string apiVersion = "", kind = "";
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (wire == WireType.LengthDelimited && number is 1 or 2)
            {
                var text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                (apiVersion, kind) = number == 1 ? (text, kind) : (apiVersion, text);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (apiVersion, kind);
    }
}
