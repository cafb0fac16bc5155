using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Turns a Kubernetes protobuf message into the JSON the REST machinery handles, by walking the message descriptor.
/// Upstream's types marshal every non-pointer scalar (so zeros arrive explicitly) and pointers only when set; JSON
/// omits zero values, so a zero scalar is dropped unless its Go field is a pointer (<c>(localkube.pointer)</c>).
/// Messages, lists and map entries that are present are kept; meta Time/MicroTime/Duration, Quantity, IntOrString,
/// RawExtension, FieldsV1 and string-list wrappers (ExtraValue) take their JSON shapes; embedded Go structs
/// (<c>(localkube.inline)</c>) are lifted into their parent.
/// </summary>
internal static class ProtobufJson
{
    // The schemas are not recursive; this only bounds hostile nesting through repeated wrappers.
    private const int MaxDepth = 64;

    /// <summary>Decodes one message of <paramref name="type"/> into a JSON object.</summary>
    /// <exception cref="FormatException">Malformed protobuf.</exception>
    public static JsonObject ReadObject(MessageDescriptor type, ReadOnlySpan<byte> data) => ReadFields(type, data, 0);

    private static JsonNode? ReadMessage(MessageDescriptor type, ReadOnlySpan<byte> data, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("message nested too deeply");
        }

        return SpecialTypes.TryRead(type, data, out var special) ? special : ReadFields(type, data, depth + 1);
    }

    private static JsonObject ReadFields(MessageDescriptor type, ReadOnlySpan<byte> data, int depth)
    {
        var obj = new JsonObject();
        var reader = new WireReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            var field = type.FindFieldByNumber(number);
            if (field is null)
            {
                reader.Skip(wire);
                continue;
            }

            if (field.IsMap)
            {
                var map = obj[KubeSchema.FactsOf(field).JsonName] as JsonObject ?? new JsonObject();
                ReadMapEntry(field, Expect(ref reader, wire, WireType.LengthDelimited), map, depth);
                obj[KubeSchema.FactsOf(field).JsonName] = map;
            }
            else if (field.IsRepeated)
            {
                var list = obj[KubeSchema.FactsOf(field).JsonName] as JsonArray ?? new JsonArray();
                if (wire == WireType.LengthDelimited && IsPackable(field.FieldType))
                {
                    var packed = new WireReader(reader.ReadLengthDelimited());
                    while (!packed.End)
                    {
                        list.Add(ReadValue(field, ref packed, WireTypeOf(field.FieldType), depth));
                    }

                    // An empty packed run is an empty list, which JSON omits.
                    if (list.Count > 0)
                    {
                        obj[KubeSchema.FactsOf(field).JsonName] = list;
                    }
                }
                else
                {
                    list.Add(ReadValue(field, ref reader, wire, depth));
                    obj[KubeSchema.FactsOf(field).JsonName] = list;
                }
            }
            else
            {
                var value = ReadValue(field, ref reader, wire, depth);
                if (value is JsonObject embedded && KubeSchema.FactsOf(field).IsInline)
                {
                    Lift(embedded, obj);
                }
                else if (value is null || (field.FieldType != FieldType.Message && IsZero(value) && !KubeSchema.FactsOf(field).IsPointer))
                {
                    obj.Remove(KubeSchema.FactsOf(field).JsonName);
                }
                else
                {
                    obj[KubeSchema.FactsOf(field).JsonName] = value;
                }
            }
        }

        return obj;
    }

    private static void Lift(JsonObject embedded, JsonObject parent)
    {
        foreach (var (name, value) in embedded.ToList())
        {
            embedded.Remove(name);
            parent[name] = value;
        }
    }

    // Map entries are messages {1: key, 2: value}; either may be absent and then takes its type's default.
    private static void ReadMapEntry(FieldDescriptor field, ReadOnlySpan<byte> entry, JsonObject map, int depth)
    {
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var key = "";
        JsonNode? value = null;
        var hasValue = false;
        var reader = new WireReader(entry);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number)
            {
                case 1:
                    key = ReadValue(keyField, ref reader, wire, depth)?.ToString() ?? "";
                    break;
                case 2:
                    value = ReadValue(valueField, ref reader, wire, depth);
                    hasValue = true;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        map[key] = hasValue ? value : DefaultOf(valueField, depth);
    }

    private static JsonNode? DefaultOf(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String or FieldType.Bytes => JsonValue.Create(""),
        FieldType.Bool => JsonValue.Create(false),
        FieldType.Message => ReadMessage(field.MessageType, [], depth + 1),
        _ => JsonValue.Create(0),
    };

    private static JsonNode? ReadValue(FieldDescriptor field, ref WireReader reader, WireType wire, int depth)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                return JsonValue.Create(Encoding.UTF8.GetString(Expect(ref reader, wire, WireType.LengthDelimited)));
            case FieldType.Bytes:
                return JsonValue.Create(Convert.ToBase64String(Expect(ref reader, wire, WireType.LengthDelimited)));
            case FieldType.Message:
                return ReadMessage(field.MessageType, Expect(ref reader, wire, WireType.LengthDelimited), depth);
            case FieldType.Group:
                throw new FormatException($"field {field.Name}: groups are not supported");
        }

        var expected = WireTypeOf(field.FieldType);
        if (wire != expected)
        {
            throw new FormatException($"field {field.Name}: wire type {(int)wire}, expected {(int)expected}");
        }

        return field.FieldType switch
        {
            FieldType.Bool => JsonValue.Create(reader.ReadVarint() != 0),
            FieldType.Int32 or FieldType.Enum => JsonValue.Create((int)reader.ReadVarint()),
            FieldType.Int64 => JsonValue.Create((long)reader.ReadVarint()),
            FieldType.UInt32 => JsonValue.Create((uint)reader.ReadVarint()),
            FieldType.UInt64 => JsonValue.Create(reader.ReadVarint()),
            FieldType.SInt32 => JsonValue.Create(ZigZag32((uint)reader.ReadVarint())),
            FieldType.SInt64 => JsonValue.Create(ZigZag64(reader.ReadVarint())),
            FieldType.Fixed32 => JsonValue.Create(reader.ReadFixed32()),
            FieldType.SFixed32 => JsonValue.Create((int)reader.ReadFixed32()),
            FieldType.Float => JsonValue.Create(BitConverter.UInt32BitsToSingle(reader.ReadFixed32())),
            FieldType.Fixed64 => JsonValue.Create(reader.ReadFixed64()),
            FieldType.SFixed64 => JsonValue.Create((long)reader.ReadFixed64()),
            FieldType.Double => JsonValue.Create(BitConverter.UInt64BitsToDouble(reader.ReadFixed64())),
            _ => throw new FormatException($"field {field.Name}: unsupported type {field.FieldType}"),
        };
    }

    private static ReadOnlySpan<byte> Expect(ref WireReader reader, WireType wire, WireType expected) =>
        wire == expected ? reader.ReadLengthDelimited() : throw new FormatException($"wire type {(int)wire}, expected {(int)expected}");

    private static bool IsPackable(FieldType type) => type is not (FieldType.String or FieldType.Bytes or FieldType.Message or FieldType.Group);

    private static WireType WireTypeOf(FieldType type) => type switch
    {
        FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float => WireType.Fixed32,
        FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double => WireType.Fixed64,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireType.LengthDelimited,
        _ => WireType.Varint,
    };

    private static bool IsZero(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>().Length == 0,
        JsonValueKind.False => true,
        JsonValueKind.Number => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) == 0,
        _ => false,
    };

    private static int ZigZag32(uint n) => (int)(n >> 1) ^ -(int)(n & 1);

    private static long ZigZag64(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
}
