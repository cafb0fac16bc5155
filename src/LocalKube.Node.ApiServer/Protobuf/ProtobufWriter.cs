using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Encodes the JSON form of an object as upstream's protobuf marshallers would encode the same Go value, byte for
/// byte: fields in number order; a value (non-pointer) field always, zero or not, a pointer field only when the JSON
/// has it; repeated fields unpacked (proto2), map entries sorted by key with key and value always written; embedded
/// inline structs from the parent's JSON; and the special types (<see cref="SpecialTypes"/>) in their custom forms.
/// </summary>
internal static class ProtobufWriter
{
    private const int MaxDepth = 100;

    /// <summary>The message bytes of <paramref name="json"/> as a <paramref name="type"/>.</summary>
    /// <exception cref="FormatException">The JSON does not fit the schema.</exception>
    public static byte[] Write(MessageDescriptor type, JsonElement json)
    {
        var scratch = new List<WireWriter>();
        var output = new WireWriter(1024);
        WriteFields(type, json, output, scratch, 0);
        return output.Written.ToArray();
    }

    private static void WriteFields(MessageDescriptor type, JsonElement json, WireWriter output, List<WireWriter> scratch, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("object nested too deeply");
        }

        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            var facts = KubeSchema.FactsOf(field);
            if (facts.IsInline)
            {
                WriteMessage(field, facts, json, output, scratch, depth);
                continue;
            }

            JsonElement? value = json.ValueKind == JsonValueKind.Object && json.TryGetProperty(facts.JsonName, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
            if (field.IsMap)
            {
                if (value is { ValueKind: JsonValueKind.Object } map)
                {
                    WriteMap(field, map, output, scratch, depth);
                }

                continue;
            }

            if (field.IsRepeated)
            {
                if (value is { ValueKind: JsonValueKind.Array } items)
                {
                    WriteRepeated(field, facts, items, output, scratch, depth);
                }

                continue;
            }

            // A pointer (or proto3) field exists only when set; a Go value field is marshalled as its zero value.
            if (value is null && (facts.IsPointer || facts.Proto3))
            {
                continue;
            }

            if (field.FieldType == FieldType.Message)
            {
                WriteMessage(field, facts, value, output, scratch, depth);
            }
            else if (!(facts.Proto3 && IsZero(value!.Value)))
            {
                output.Tag(field.FieldNumber, WireTypeOf(field.FieldType));
                WriteScalar(field, value, output);
            }
        }
    }

    private static void WriteMessage(FieldDescriptor field, FieldFacts facts, JsonElement? json, WireWriter output, List<WireWriter> scratch, int depth)
    {
        var sub = Rent(scratch, depth);
        if (facts.Special is { } special)
        {
            SpecialTypes.Write(special, json, sub);
        }
        else if (facts.IsStringList)
        {
            SpecialTypes.WriteStringList(json, sub);
        }
        else
        {
            WriteFields(field.MessageType, json ?? default, sub, scratch, depth + 1);
        }

        output.Message(field.FieldNumber, sub);
    }

    private static void WriteRepeated(FieldDescriptor field, FieldFacts facts, JsonElement items, WireWriter output, List<WireWriter> scratch, int depth)
    {
        if (facts.Proto3 && IsPackable(field.FieldType))
        {
            var packed = Rent(scratch, depth);
            foreach (var item in items.EnumerateArray())
            {
                WriteScalar(field, item, packed);
            }

            output.Message(field.FieldNumber, packed);
            return;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (field.FieldType == FieldType.Message)
            {
                WriteMessage(field, facts, item.ValueKind == JsonValueKind.Null ? null : item, output, scratch, depth);
            }
            else
            {
                output.Tag(field.FieldNumber, WireTypeOf(field.FieldType));
                WriteScalar(field, item, output);
            }
        }
    }

    // Go sorts map keys before marshalling; key and value are always written.
    private static void WriteMap(FieldDescriptor field, JsonElement map, WireWriter output, List<WireWriter> scratch, int depth)
    {
        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        var valueFacts = KubeSchema.FactsOf(valueField);
        var entries = map.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var entry = Rent(scratch, depth);
        foreach (var (key, value) in entries)
        {
            entry.Clear();
            entry.Tag(1, WireTypeOf(keyField.FieldType));
            if (keyField.FieldType == FieldType.String)
            {
                entry.String(key);
            }
            else
            {
                // JSON object keys of integer maps are the numbers' text.
                using var number = JsonDocument.Parse(key);
                WriteScalar(keyField, number.RootElement, entry);
            }

            JsonElement? present = value.ValueKind == JsonValueKind.Null ? null : value;
            if (valueField.FieldType == FieldType.Message)
            {
                WriteMessage(valueField, valueFacts, present, entry, scratch, depth + 1);
            }
            else
            {
                entry.Tag(2, WireTypeOf(valueField.FieldType));
                WriteScalar(valueField, present, entry);
            }

            output.Message(field.FieldNumber, entry);
        }
    }

    private static void WriteScalar(FieldDescriptor field, JsonElement? json, WireWriter output)
    {
        try
        {
            switch (field.FieldType)
            {
                case FieldType.String:
                    output.String(json switch
                    {
                        null => "",
                        { ValueKind: JsonValueKind.String } s => s.GetString()!,
                        { } other => other.GetRawText(),
                    });
                    return;
                case FieldType.Bytes:
                    output.Bytes(json is { ValueKind: JsonValueKind.String } b ? Convert.FromBase64String(b.GetString()!) : []);
                    return;
                case FieldType.Bool:
                    output.Varint(json?.ValueKind == JsonValueKind.True ? 1UL : 0UL);
                    return;
                case FieldType.Int32 or FieldType.Enum:
                    output.Varint((ulong)(long)(json is { } i32 ? Number(i32).ToInt32() : 0));
                    return;
                case FieldType.Int64:
                    output.Varint((ulong)(json is { } i64 ? Number(i64).ToInt64() : 0L));
                    return;
                case FieldType.UInt32 or FieldType.UInt64:
                    output.Varint(json is { } u ? Number(u).ToUInt64() : 0UL);
                    return;
                case FieldType.SInt32 or FieldType.SInt64:
                    var zigzag = json is { } z ? Number(z).ToInt64() : 0L;
                    output.Varint((ulong)((zigzag << 1) ^ (zigzag >> 63)));
                    return;
                case FieldType.Double:
                    output.Fixed64(BitConverter.DoubleToUInt64Bits(json is { } d ? Number(d).ToDouble() : 0));
                    return;
                case FieldType.Float:
                    output.Fixed32(BitConverter.SingleToUInt32Bits(json is { } f ? (float)Number(f).ToDouble() : 0));
                    return;
                case FieldType.Fixed32 or FieldType.SFixed32:
                    output.Fixed32((uint)(json is { } f32 ? Number(f32).ToInt64() : 0));
                    return;
                case FieldType.Fixed64 or FieldType.SFixed64:
                    output.Fixed64((ulong)(json is { } f64 ? Number(f64).ToInt64() : 0));
                    return;
                default:
                    throw new FormatException($"field {field.Name}: unsupported type {field.FieldType}");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or FormatException)
        {
            throw new FormatException($"field {field.FullName}: {e.Message}", e);
        }
    }

    // Numbers may come quoted (int64 in some JSON); both parse the same way.
    private static JsonNumber Number(JsonElement json) =>
        new(json.ValueKind == JsonValueKind.String ? json.GetString()! : json.GetRawText());

    private static bool IsZero(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString()!.Length == 0,
        JsonValueKind.False => true,
        JsonValueKind.Number => json.GetDouble() == 0,
        _ => false,
    };

    private static bool IsPackable(FieldType type) => type is not (FieldType.String or FieldType.Bytes or FieldType.Message or FieldType.Group);

    private static WireType WireTypeOf(FieldType type) => type switch
    {
        FieldType.Fixed32 or FieldType.SFixed32 or FieldType.Float => WireType.Fixed32,
        FieldType.Fixed64 or FieldType.SFixed64 or FieldType.Double => WireType.Fixed64,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireType.LengthDelimited,
        _ => WireType.Varint,
    };

    private static WireWriter Rent(List<WireWriter> scratch, int depth)
    {
        while (scratch.Count <= depth)
        {
            scratch.Add(new WireWriter());
        }

        var writer = scratch[depth];
        writer.Clear();
        return writer;
    }

    private readonly record struct JsonNumber(string Text)
    {
        public int ToInt32() => int.Parse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture);

        public long ToInt64() => long.Parse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture);

        public ulong ToUInt64() => ulong.Parse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture);

        public double ToDouble() => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
