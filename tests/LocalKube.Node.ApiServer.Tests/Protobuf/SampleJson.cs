using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// A fully populated JSON object for any message of our schemas, as upstream's round-trip fuzzer fills objects:
/// every field set to a non-zero value of its type (special types in their JSON forms), repeated fields and maps with
/// two entries, nested messages all the way down (a message that contains itself stops there). Deterministic.
/// </summary>
internal static class SampleJson
{
    public static JsonObject For(MessageDescriptor type) => Fill(type, [], type.Name);

    // `path` holds the message types being filled: a type that contains itself stops there.
    private static JsonObject Fill(MessageDescriptor type, HashSet<string> path, string seed)
    {
        var obj = new JsonObject();
        path = [.. path, type.FullName];
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            var facts = KubeSchema.FactsOf(field);
            if (facts.IsInline)
            {
                foreach (var (name, lifted) in Fill(field.MessageType, path, seed).ToList())
                {
                    obj[name] = lifted?.DeepClone();
                }

                continue;
            }

            var value = field.IsMap ? Map(field, path, seed)
                : field.IsRepeated ? Repeated(field, facts, path, seed)
                : Single(field, facts, path, seed);
            if (value is not null)
            {
                obj[facts.JsonName] = value;
            }
        }

        return obj;
    }

    private static JsonNode? Map(FieldDescriptor field, HashSet<string> path, string seed)
    {
        var valueField = field.MessageType.FindFieldByNumber(2);
        var map = new JsonObject();
        foreach (var key in new[] { "b-key", "a-key" })
        {
            var value = Single(valueField, KubeSchema.FactsOf(valueField), path, seed + key);
            if (value is null)
            {
                return null;
            }

            map[key] = value;
        }

        return map;
    }

    private static JsonNode? Repeated(FieldDescriptor field, FieldFacts facts, HashSet<string> path, string seed)
    {
        var list = new JsonArray();
        var count = field.FieldType == FieldType.Message ? 1 : 2;
        for (var i = 0; i < count; i++)
        {
            var item = Single(field, facts, path, $"{seed}{i}");
            if (item is null)
            {
                return null;
            }

            list.Add(item);
        }

        return list;
    }

    private static JsonNode? Single(FieldDescriptor field, FieldFacts facts, HashSet<string> path, string seed)
    {
        if (facts.Special is { } special)
        {
            return special switch
            {
                KubeSchema.Time => "2024-01-02T03:04:05Z",
                KubeSchema.MicroTime => "2024-01-02T03:04:05.123456Z",
                KubeSchema.Duration => "1h2m3s",
                KubeSchema.Quantity => "1536Mi",
                KubeSchema.IntOrString => seed.Length % 2 == 0 ? JsonValue.Create(8080) : JsonValue.Create("http"),
                KubeSchema.RawExtension => new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Embedded", ["value"] = seed },
                KubeSchema.FieldsV1 => new JsonObject { ["f:metadata"] = new JsonObject { ["f:name"] = new JsonObject() } },
                _ => null,
            };
        }

        if (facts.IsStringList)
        {
            return new JsonArray("x-" + seed, "y-" + seed);
        }

        return field.FieldType switch
        {
            FieldType.Message when path.Contains(field.MessageType.FullName) => null,
            FieldType.Message => Fill(field.MessageType, path, seed + "." + field.Name),
            FieldType.String => $"{field.Name}-{seed.Length}",
            FieldType.Bytes => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("bytes-" + field.Name)),
            FieldType.Bool => true,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 7 + field.FieldNumber,
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 7_000_000_000L + field.FieldNumber,
            FieldType.UInt32 or FieldType.Fixed32 => (uint)(3 + field.FieldNumber),
            FieldType.UInt64 or FieldType.Fixed64 => (ulong)(3 + field.FieldNumber),
            FieldType.Double => 1.5 + field.FieldNumber,
            FieldType.Float => 2.5f,
            _ => null,
        };
    }
}
