using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// The upstream types whose JSON is not their message: meta Time and MicroTime (RFC 3339; an empty message is the
/// zero time, which JSON omits), meta Duration (Go duration text), resource Quantity (its string), intstr
/// IntOrString (a number or a string), RawExtension and FieldsV1 (embedded JSON), and wrappers of a string list
/// (authentication/authorization ExtraValue, meta Verbs) which are JSON arrays.
/// </summary>
internal static class SpecialTypes
{
    public static bool TryRead(MessageDescriptor type, ReadOnlySpan<byte> data, out JsonNode? value)
    {
        switch (type.FullName)
        {
            case KubeSchema.Time:
                value = data.IsEmpty ? null : JsonValue.Create(Timestamp(data).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                return true;
            case KubeSchema.MicroTime:
                value = data.IsEmpty ? null : JsonValue.Create(Timestamp(data).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                return true;
            case KubeSchema.Duration:
                value = JsonValue.Create(GoDuration.Format(Varint(data, 1)));
                return true;
            case KubeSchema.Quantity:
                var text = String(data, 1);
                value = JsonValue.Create(string.IsNullOrEmpty(text) ? "0" : text);
                return true;
            case KubeSchema.IntOrString:
                value = IntOrString(data);
                return true;
            case KubeSchema.RawExtension:
            case KubeSchema.FieldsV1:
                value = EmbeddedJson(Bytes(data, 1));
                return true;
        }

        if (IsStringList(type))
        {
            var list = new JsonArray();
            var reader = new WireReader(data);
            while (!reader.End)
            {
                var (number, wire) = reader.ReadTag();
                if (number == 1 && wire == WireType.LengthDelimited)
                {
                    list.Add(Encoding.UTF8.GetString(reader.ReadLengthDelimited()));
                }
                else
                {
                    reader.Skip(wire);
                }
            }

            value = list;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Writes the message of special type <paramref name="fullName"/> for the JSON <paramref name="json"/> (null: the
    /// Go zero value, which a value field still marshals), as upstream's custom marshallers do.
    /// </summary>
    public static void Write(string fullName, JsonElement? json, WireWriter output)
    {
        switch (fullName)
        {
            case KubeSchema.Time:
            case KubeSchema.MicroTime:
                // The zero time marshals to nothing; otherwise seconds and nanos, both always.
                if (json is { ValueKind: JsonValueKind.String } time && time.GetString() is { Length: > 0 } text)
                {
                    var at = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                    var nanos = fullName == KubeSchema.MicroTime ? (int)(at.Ticks % TimeSpan.TicksPerSecond) / 10 * 1000 : 0;
                    output.Tag(1, WireType.Varint);
                    output.Varint((ulong)at.ToUnixTimeSeconds());
                    output.Tag(2, WireType.Varint);
                    output.Varint((ulong)(long)nanos);
                }

                return;
            case KubeSchema.Duration:
                output.Tag(1, WireType.Varint);
                output.Varint((ulong)(json is { ValueKind: JsonValueKind.String } d ? GoDuration.Parse(d.GetString()!) : 0));
                return;
            case KubeSchema.Quantity:
                // Quantity marshals its canonical text, "0" for the zero value.
                output.Tag(1, WireType.LengthDelimited);
                output.String(json switch
                {
                    { ValueKind: JsonValueKind.String } q => q.GetString()!,
                    { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                    _ => "0",
                });
                return;
            case KubeSchema.IntOrString:
                var isString = json?.ValueKind == JsonValueKind.String;
                output.Tag(1, WireType.Varint);
                output.Varint(isString ? 1UL : 0UL);
                output.Tag(2, WireType.Varint);
                output.Varint(json is { ValueKind: JsonValueKind.Number } i ? (ulong)(long)i.GetInt32() : 0);
                output.Tag(3, WireType.LengthDelimited);
                output.String(isString ? json!.Value.GetString()! : "");
                return;
            case KubeSchema.RawExtension:
            case KubeSchema.FieldsV1:
                // The embedded JSON as its bytes; nothing for the zero value.
                if (json is { } raw)
                {
                    output.Tag(1, WireType.LengthDelimited);
                    output.Bytes(Encoding.UTF8.GetBytes(raw.GetRawText()));
                }

                return;
            default:
                throw new InvalidOperationException($"{fullName} is not a special type");
        }
    }

    /// <summary>Writes a string-list wrapper (ExtraValue) for a JSON array.</summary>
    public static void WriteStringList(JsonElement? json, WireWriter output)
    {
        if (json is not { ValueKind: JsonValueKind.Array } array)
        {
            return;
        }

        foreach (var item in array.EnumerateArray())
        {
            output.Tag(1, WireType.LengthDelimited);
            output.String(item.GetString() ?? "");
        }
    }

    /// <summary>Go marshals a named []string as a message with a single repeated string "items" (ExtraValue, Verbs).</summary>
    public static bool IsStringList(MessageDescriptor type) =>
        type.Fields.InFieldNumberOrder() is [{ Name: "items", FieldNumber: 1, IsRepeated: true, FieldType: FieldType.String }];

    private static DateTime Timestamp(ReadOnlySpan<byte> data)
    {
        long seconds = 0, nanos = 0;
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number)
            {
                case 1 when wire == WireType.Varint:
                    seconds = (long)reader.ReadVarint();
                    break;
                case 2 when wire == WireType.Varint:
                    nanos = (int)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        try
        {
            return DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanos / 100);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new FormatException($"timestamp out of range: {seconds}s");
        }
    }

    private static JsonNode IntOrString(ReadOnlySpan<byte> data)
    {
        long kind = 0;
        var intVal = 0;
        var strVal = "";
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number)
            {
                case 1 when wire == WireType.Varint:
                    kind = (long)reader.ReadVarint();
                    break;
                case 2 when wire == WireType.Varint:
                    intVal = (int)reader.ReadVarint();
                    break;
                case 3 when wire == WireType.LengthDelimited:
                    strVal = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return kind == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    // Upstream writes the raw bytes into the JSON as they are; they are JSON in every API we serve.
    private static JsonNode? EmbeddedJson(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(raw, documentOptions: new JsonDocumentOptions { MaxDepth = Rest.ObjectCodec.MaxDepth });
        }
        catch (JsonException e)
        {
            throw new FormatException($"embedded object is not JSON: {e.Message}");
        }
    }

    private static long Varint(ReadOnlySpan<byte> data, int field)
    {
        long value = 0;
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == field && wire == WireType.Varint)
            {
                value = (long)reader.ReadVarint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return value;
    }

    private static string? String(ReadOnlySpan<byte> data, int field)
    {
        var bytes = Bytes(data, field);
        return bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
    }

    private static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> data, int field)
    {
        ReadOnlySpan<byte> value = default;
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == field && wire == WireType.LengthDelimited)
            {
                value = reader.ReadLengthDelimited();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return value;
    }
}
