using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf.Kube.Options;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Compares a message parsed by Google.Protobuf (protoc-generated classes) with the JSON form it should carry, walking
/// it with Google.Protobuf's reflection API and protoc's descriptors only: JSON names, inline structs and special
/// types are read from those, not from our codec, so the two implementations check each other.
/// </summary>
internal static class ReflectionComparer
{
    private static readonly Lazy<Dictionary<string, MessageDescriptor>> Generated = new(() =>
        typeof(OptionsExtensions).Assembly.GetTypes()
            .Where(t => typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (MessageDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
            .ToDictionary(d => d.FullName, StringComparer.Ordinal));

    /// <summary>The protoc-generated message of <paramref name="fullName"/>.</summary>
    public static MessageDescriptor Descriptor(string fullName) =>
        Generated.Value.TryGetValue(fullName, out var descriptor) ? descriptor : throw new KeyNotFoundException($"protoc generated no {fullName}");

    /// <summary>Every protoc-generated message.</summary>
    public static IEnumerable<MessageDescriptor> All => Generated.Value.Values;

    /// <summary>
    /// The differences between <paramref name="message"/> and <paramref name="json"/>. With <paramref name="lenient"/>,
    /// JSON as Go writes it is accepted: a zero value (or empty message) of a value field may be missing from the JSON,
    /// where protobuf always carries it.
    /// </summary>
    public static List<string> Compare(IMessage message, JsonObject json, bool lenient = false)
    {
        var problems = new List<string>();
        new Walk(lenient, problems).CompareMessage(message, json, message.Descriptor.Name);
        return problems;
    }

    private sealed class Walk(bool lenient, List<string> problems)
    {
        public void CompareMessage(IMessage message, JsonObject json, string path)
        {
            foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
            {
                var options = field.GetOptions();
                var value = field.Accessor.GetValue(message);
                var at = $"{path}.{field.JsonName}";
                if (options?.GetExtension(OptionsExtensions.Inline) == true)
                {
                    CompareMessage((IMessage)value, json, path);
                    continue;
                }

                var expected = json[field.JsonName];
                if (field.IsMap)
                {
                    var map = (IDictionary)value;
                    var want = expected as JsonObject ?? [];
                    if (map.Count != want.Count)
                    {
                        problems.Add($"{at}: {map.Count} entries, JSON has {want.Count}");
                        continue;
                    }

                    foreach (DictionaryEntry entry in map)
                    {
                        CompareValue(field.MessageType.FindFieldByNumber(2), entry.Value, want[(string)entry.Key], $"{at}[{entry.Key}]");
                    }
                }
                else if (field.IsRepeated)
                {
                    var list = (IList)value;
                    var want = expected as JsonArray ?? [];
                    if (list.Count != want.Count)
                    {
                        problems.Add($"{at}: {list.Count} items, JSON has {want.Count}");
                        continue;
                    }

                    for (var i = 0; i < list.Count; i++)
                    {
                        CompareValue(field, list[i], want[i], $"{at}[{i}]");
                    }
                }
                else if (field.FieldType != FieldType.Message && !field.Accessor.HasValue(message))
                {
                    if (expected is not null)
                    {
                        problems.Add($"{at}: not set, JSON has {expected.ToJsonString()}");
                    }
                }
                else if (lenient && expected is null && options?.GetExtension(OptionsExtensions.Pointer) != true && IsZero(field, value))
                {
                    // Go's JSON leaves out the zero value of a value field (omitempty); protobuf always carries it.
                }
                else
                {
                    CompareValue(field, value, expected, at);
                }
            }
        }

        private static bool IsZero(FieldDescriptor field, object? value) => value switch
        {
            null => true,
            IMessage m => m.CalculateSize() == 0 || m.Descriptor.Fields.InFieldNumberOrder().All(f => f.IsRepeated || IsZero(f, f.Accessor.GetValue(m))),
            string s => s.Length == 0,
            bool b => !b,
            ByteString bytes => bytes.IsEmpty,
            _ => Convert.ToDouble(value, CultureInfo.InvariantCulture) == 0,
        };

        private void CompareValue(FieldDescriptor field, object? value, JsonNode? expected, string at)
        {
            if (field.FieldType == FieldType.Message)
            {
                var message = (IMessage?)value;
                if (message is null)
                {
                    if (expected is not null)
                    {
                        problems.Add($"{at}: absent, JSON has {expected.ToJsonString()}");
                    }

                    return;
                }

                if (Special(message, expected, at))
                {
                    return;
                }

                CompareMessage(message, expected as JsonObject ?? [], at);
                return;
            }

            var actual = field.FieldType switch
            {
                FieldType.Bytes => ((ByteString)value!).ToBase64(),
                FieldType.Bool => (bool)value! ? "true" : "false",
                FieldType.String => (string)value!,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            var want = expected switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
                JsonValue v => Convert.ToString(double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                _ => expected.ToJsonString(),
            };
            if (field.FieldType is FieldType.Double or FieldType.Float or FieldType.Int32 or FieldType.Int64 or FieldType.UInt32 or FieldType.UInt64)
            {
                actual = Convert.ToString(Convert.ToDouble(value, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }

            if (actual != want)
            {
                problems.Add($"{at}: {actual}, JSON has {want}");
            }
        }

        // The types whose JSON is not their fields, read through reflection like any other message.
        private bool Special(IMessage message, JsonNode? expected, string at)
        {
            object? Field(int number) => message.Descriptor.FindFieldByNumber(number).Accessor.GetValue(message);
            string? actual;
            string? want = expected is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : expected?.ToJsonString();
            switch (message.Descriptor.FullName)
            {
                case "k8s.io.apimachinery.pkg.apis.meta.v1.Time":
                    actual = DateTimeOffset.FromUnixTimeSeconds((long)Field(1)!).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    break;
                case "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime":
                    actual = DateTimeOffset.FromUnixTimeSeconds((long)Field(1)!).AddTicks((int)Field(2)! / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                    break;
                case "k8s.io.apimachinery.pkg.apis.meta.v1.Duration":
                    actual = ((long)Field(1)!).ToString(CultureInfo.InvariantCulture);
                    want = want is null ? null : ((long)TimeSpan.Parse(want.Replace("h", ":", StringComparison.Ordinal).Replace("m", ":", StringComparison.Ordinal).TrimEnd('s'), CultureInfo.InvariantCulture).Ticks * 100).ToString(CultureInfo.InvariantCulture);
                    break;
                case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                    actual = (string)Field(1)!;
                    break;
                case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                    actual = (long)Field(1)! == 1 ? (string)Field(3)! : ((int)Field(2)!).ToString(CultureInfo.InvariantCulture);
                    want = expected?.ToString();
                    break;
                case "k8s.io.apimachinery.pkg.runtime.RawExtension":
                case "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1":
                    actual = JsonNode.Parse(((ByteString)Field(1)!).ToStringUtf8())!.ToJsonString();
                    want = expected?.ToJsonString();
                    break;
                default:
                    if (message.Descriptor.Fields.InFieldNumberOrder() is [{ Name: "items", IsRepeated: true, FieldType: FieldType.String } items])
                    {
                        actual = string.Join(",", ((IList)items.Accessor.GetValue(message)).Cast<string>());
                        want = expected is JsonArray array ? string.Join(",", array.Select(i => i!.GetValue<string>())) : null;
                        break;
                    }

                    return false;
            }

            if (actual != want)
            {
                problems.Add($"{at}: {actual}, JSON has {want}");
            }

            return true;
        }
    }
}
