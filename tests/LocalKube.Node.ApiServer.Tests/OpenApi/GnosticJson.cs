using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Node.ApiServer.Tests.OpenApi;

/// <summary>
/// Turns a gnostic <c>openapi.v2.Document</c> parsed by Google.Protobuf (protoc-generated classes) back into the
/// Swagger JSON it stands for, by gnostic's rules read backwards and with YamlDotNet for the <c>Any</c> values: an
/// implementation independent of the encoder, so a round trip checks it.
/// </summary>
internal static class GnosticJson
{
    public static JsonNode? ToJson(IMessage message)
    {
        var descriptor = message.Descriptor;
        switch (descriptor.Name)
        {
            case "Any":
                return Yaml((string)descriptor.FindFieldByName("yaml").Accessor.GetValue(message));
            case "TypeItem" or "StringArray":
                var values = ((IList)descriptor.FindFieldByNumber(1).Accessor.GetValue(message)).Cast<string>().ToList();
                return descriptor.Name == "TypeItem" && values.Count == 1 ? values[0] : new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
            case "ItemsItem":
                var schemas = ((IList)descriptor.FindFieldByNumber(1).Accessor.GetValue(message)).Cast<IMessage>().ToList();
                return schemas.Count == 1 ? ToJson(schemas[0]) : new JsonArray(schemas.Select(ToJson).ToArray());
        }

        if (descriptor.Oneofs.Count == 1 && descriptor.Oneofs[0].Accessor.GetCaseFieldDescriptor(message) is { } chosen)
        {
            var value = chosen.Accessor.GetValue(message);
            return value is IMessage nested ? ToJson(nested) : JsonValue.Create((bool)value);
        }

        var json = new JsonObject();
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated && field.FieldType == FieldType.Message && field.MessageType.Name.StartsWith("Named", StringComparison.Ordinal))
            {
                // Map pairs (Paths, Definitions, Properties...) and vendor extensions are the object's own keys.
                foreach (IMessage pair in (IList)value)
                {
                    var name = (string)pair.Descriptor.FindFieldByNumber(1).Accessor.GetValue(pair);
                    var pairValue = pair.Descriptor.FindFieldByNumber(2).Accessor.GetValue(pair);
                    json[name] = pairValue is IMessage m ? ToJson(m) : JsonValue.Create((string)pairValue);
                }

                continue;
            }

            var key = field.Name == "_ref" ? "$ref" : field.JsonName;
            switch (value)
            {
                case IList list when list.Count > 0:
                    json[key] = new JsonArray(list.Cast<object>().Select(Scalar).ToArray());
                    break;
                case IList:
                    break;
                case IMessage nested:
                    json[key] = ToJson(nested);
                    break;
                case string { Length: > 0 } or true:
                    json[key] = Scalar(value);
                    break;
                case double d when d != 0:
                    json[key] = d;
                    break;
                case long n when n != 0:
                    json[key] = n;
                    break;
            }
        }

        return json;
    }

    private static JsonNode? Scalar(object value) => value switch
    {
        IMessage m => ToJson(m),
        string s => s,
        bool b => b,
        _ => JsonValue.Create(value),
    };

    private static JsonNode? Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return Node(stream.Documents[0].RootNode);
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Node(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Node).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value!),
        YamlScalarNode scalar => scalar.Value,
        _ => throw new FormatException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string text)
    {
        if (text is "null" or "~")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return text == "true";
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : text;
    }
}
