using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Finds keys repeated within one JSON object of a request body (<c>data.a</c>, <c>spec.containers[0].name</c>), a
/// strict-decoding error of upstream's field validation, and parses such bodies keeping the last value as Go's
/// decoder does (System.Text.Json's tree refuses repeated keys).
/// </summary>
public static class DuplicateFields
{
    /// <summary>Paths of repeated keys, in body order; empty for bodies without any (or that are not JSON).</summary>
    public static List<string> Find(ReadOnlySpan<byte> json)
    {
        var found = new List<string>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ObjectCodec.MaxDepth + 1 });
        var frames = new Stack<Frame>();
        string? pendingKey = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = Child(frames, pendingKey);
                        frames.Push(new Frame(path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        pendingKey = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        if (frames.TryPeek(out var parent) && parent.Keys is null)
                        {
                            parent.Index++;
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        pendingKey = reader.GetString()!;
                        if (!frame.Keys!.Add(pendingKey))
                        {
                            found.Add(frame.Path.Length == 0 ? pendingKey : $"{frame.Path}.{pendingKey}");
                        }

                        break;
                    default:
                        pendingKey = null;
                        if (frames.TryPeek(out var array) && array.Keys is null)
                        {
                            array.Index++;
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Malformed JSON (a syntax error, a string that does not transcode) is reported by the parser proper.
        }

        return found;
    }

    /// <summary>Parses an object whose keys may repeat, the last occurrence winning.</summary>
    public static JsonObject ParseLastWins(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ObjectCodec.MaxDepth + 1 });
        using var document = JsonDocument.ParseValue(ref reader);
        return Convert(document.RootElement) as JsonObject ?? throw new JsonException("the JSON value is not an object");
    }

    /// <summary>Parses any JSON value (a patch: object or array) whose object keys may repeat, the last occurrence winning.</summary>
    public static JsonNode? ParseValueLastWins(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ObjectCodec.MaxDepth });
        using var document = JsonDocument.ParseValue(ref reader);
        return Convert(document.RootElement);
    }

    private static JsonNode? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => Object(element),
        JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(Convert).ToArray()),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(element.Clone()),
    };

    private static JsonObject Object(JsonElement element)
    {
        var result = new JsonObject();
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = Convert(property.Value);
        }

        return result;
    }

    private static string Child(Stack<Frame> frames, string? key)
    {
        if (!frames.TryPeek(out var parent))
        {
            return "";
        }

        if (parent.Keys is null)
        {
            return $"{parent.Path}[{parent.Index}]";
        }

        return parent.Path.Length == 0 ? key! : $"{parent.Path}.{key}";
    }

    private sealed class Frame(string path, HashSet<string>? keys)
    {
        public string Path { get; } = path;

        public HashSet<string>? Keys { get; } = keys;

        public int Index { get; set; }
    }
}
