using System.Text.Json;
using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// Encodes the Swagger 2.0 JSON document as gnostic's <c>openapi.v2.Document</c>, the protobuf form upstream serves
/// for <c>/openapi/v2</c> (kube-openapi parses its JSON with gnostic and marshals the result). The mapping is
/// gnostic's compiler's: JSON keys to fields by their JSON names, <c>$ref</c> to <c>_ref</c>, <c>x-</c> keys to
/// <c>vendor_extension</c> entries, maps to repeated <c>Named*</c> pairs in document order, the oneof wrappers chosen
/// by shape (<c>in</c>, <c>$ref</c>, a boolean), and every free-form value (<c>default</c>, <c>enum</c>,
/// <c>example</c>, extensions) an <c>Any</c> holding its YAML text (<see cref="YamlText"/>).
/// </summary>
/// <remarks>
/// proto3 rules, as Go's marshaller: fields in number order, zero scalars omitted, present messages written even when
/// empty, a oneof member written even when zero (<c>additionalProperties: false</c>).
/// </remarks>
internal static class GnosticEncoder
{
    private const string Package = "openapi.v2.";
    private const int MaxDepth = 64;

    /// <summary>The gnostic Document bytes of a Swagger 2.0 JSON document.</summary>
    /// <exception cref="FormatException">The JSON is not an object, or is nested too deeply.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("an OpenAPI document is a JSON object");
        }

        var output = new WireWriter(json.Length / 2);
        WriteMessage(Message("Document"), document.RootElement, output, 0);
        return output.Written.ToArray();
    }

    private static MessageDescriptor Message(string name) =>
        KubeSchema.Find(Package + name) ?? throw new InvalidOperationException($"gnostic's {name} is missing from kube.protoset");

    private static void WriteMessage(MessageDescriptor type, JsonElement json, WireWriter output, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("OpenAPI document nested too deeply");
        }

        switch (type.Name)
        {
            case "Any":
                output.Tag(2, WireType.LengthDelimited);
                output.String(YamlText.Of(json));
                return;
            case "TypeItem" or "StringArray":
                foreach (var value in json.ValueKind == JsonValueKind.Array ? json.EnumerateArray().ToArray() : [json])
                {
                    output.Tag(1, WireType.LengthDelimited);
                    output.String(value.ToString());
                }

                return;
            case "ItemsItem":
                foreach (var value in json.ValueKind == JsonValueKind.Array ? json.EnumerateArray().ToArray() : [json])
                {
                    Nested(output, 1, type.FindFieldByNumber(1).MessageType, value, depth);
                }

                return;
        }

        if (OneofMember(type.Name, json) is { } member)
        {
            var field = type.FindFieldByNumber(member);
            if (field.FieldType == FieldType.Bool)
            {
                output.Tag(member, WireType.Varint);
                output.Varint(json.GetBoolean() ? 1UL : 0UL);
            }
            else
            {
                Nested(output, member, field.MessageType, json, depth);
            }

            return;
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // A map: every key is a Named* pair (Definitions, Properties, ParameterDefinitions...), except that Paths
        // and Responses send x- keys to their vendor extensions.
        var pairs = type.Fields.InFieldNumberOrder().FirstOrDefault(f =>
            f.IsRepeated && f.FieldType == FieldType.Message && f.Name != "vendor_extension" && f.MessageType.Name.StartsWith("Named", StringComparison.Ordinal));
        var byField = new SortedDictionary<int, List<(FieldDescriptor Field, string? Name, JsonElement Value)>>();
        foreach (var property in json.EnumerateObject())
        {
            var extension = property.Name.StartsWith("x-", StringComparison.Ordinal) ? type.FindFieldByName("vendor_extension") : null;
            var field = extension ?? pairs ?? FieldFor(type, property.Name);
            if (field is null || property.Value.ValueKind == JsonValueKind.Null)
            {
                // gnostic refuses keys the model does not have; ours has none, so nothing is lost.
                continue;
            }

            var named = field == extension || field == pairs ? property.Name : null;
            if (!byField.TryGetValue(field.FieldNumber, out var list))
            {
                byField[field.FieldNumber] = list = [];
            }

            if (field.IsRepeated && named is null && property.Value.ValueKind == JsonValueKind.Array)
            {
                list.AddRange(property.Value.EnumerateArray().Select(v => (field, (string?)null, v)));
            }
            else
            {
                list.Add((field, named, property.Value));
            }
        }

        foreach (var (_, values) in byField)
        {
            foreach (var (field, name, value) in values)
            {
                if (name is not null)
                {
                    WriteNamed(output, field, name, value, depth);
                }
                else
                {
                    WriteValue(output, field, value, depth);
                }
            }
        }
    }

    private static FieldDescriptor? FieldFor(MessageDescriptor type, string key) =>
        key == "$ref" ? type.FindFieldByName("_ref") : type.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == key && f.Name != "_ref");

    /// <summary>The oneof member gnostic's compiler picks for a value of the wrapper messages, or null for others.</summary>
    private static int? OneofMember(string message, JsonElement json)
    {
        string? Text(string key) =>
            json.ValueKind == JsonValueKind.Object && json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var isRef = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("$ref", out _);
        return message switch
        {
            "AdditionalPropertiesItem" => json.ValueKind is JsonValueKind.True or JsonValueKind.False ? 2 : 1,
            "SchemaItem" => Text("type") == "file" ? 2 : 1,
            "ResponseValue" or "ParametersItem" => isRef ? 2 : 1,
            "Parameter" => Text("in") == "body" ? 1 : 2,
            "NonBodyParameter" => Text("in") switch { "header" => 1, "formData" => 2, "path" => 4, _ => 3 },
            "SecurityDefinitionsItem" => (Text("type"), Text("flow")) switch
            {
                ("basic", _) => 1,
                ("apiKey", _) => 2,
                (_, "implicit") => 3,
                (_, "password") => 4,
                (_, "application") => 5,
                _ => 6,
            },
            _ => null,
        };
    }

    private static void WriteNamed(WireWriter output, FieldDescriptor field, string name, JsonElement value, int depth)
    {
        // Named{1 name, 2 value}: NamedString's value is a string, the others a message.
        var pair = new WireWriter(64);
        pair.Tag(1, WireType.LengthDelimited);
        pair.String(name);
        var valueField = field.MessageType.FindFieldByNumber(2);
        if (valueField.FieldType == FieldType.String)
        {
            if (value.ToString() is { Length: > 0 } text)
            {
                pair.Tag(2, WireType.LengthDelimited);
                pair.String(text);
            }
        }
        else
        {
            Nested(pair, 2, valueField.MessageType, value, depth);
        }

        output.Message(field.FieldNumber, pair);
    }

    private static void WriteValue(WireWriter output, FieldDescriptor field, JsonElement value, int depth)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.Message:
                Nested(output, number, field.MessageType, value, depth);
                break;
            case FieldType.String:
                if (value.ToString() is { Length: > 0 } text)
                {
                    output.Tag(number, WireType.LengthDelimited);
                    output.String(text);
                }

                break;
            case FieldType.Bool:
                if (value.ValueKind == JsonValueKind.True)
                {
                    output.Tag(number, WireType.Varint);
                    output.Varint(1);
                }

                break;
            case FieldType.Double:
                if (value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && d != 0)
                {
                    output.Tag(number, WireType.Fixed64);
                    output.Fixed64(BitConverter.DoubleToUInt64Bits(d));
                }

                break;
            case FieldType.Int64:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n != 0)
                {
                    output.Tag(number, WireType.Varint);
                    output.Varint(unchecked((ulong)n));
                }

                break;
        }
    }

    private static void Nested(WireWriter output, int field, MessageDescriptor type, JsonElement value, int depth)
    {
        var nested = new WireWriter(256);
        WriteMessage(type, value, nested, depth + 1);
        output.Message(field, nested);
    }
}
