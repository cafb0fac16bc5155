using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Finds fields of a request body that the typed model does not know, by comparing the body with its round trip
/// through the model: a key present (and not null) in the body but absent after decoding is unknown. Feeds
/// <c>fieldValidation</c> (Strict: 400; Warn, the default: a <c>Warning</c> header per field).
/// </summary>
public static class UnknownFields
{
    /// <summary>Paths (<c>spec.foo</c>, <c>spec.containers[0].bar</c>) of unknown fields, in body order.</summary>
    public static List<string> Find(JsonNode? body, JsonNode? roundTrip)
    {
        var found = new List<string>();
        Walk(body, roundTrip, "", found);
        return found;
    }

    private static void Walk(JsonNode? body, JsonNode? known, string path, List<string> found)
    {
        if (body is JsonObject bodyObject && known is JsonObject knownObject)
        {
            foreach (var (key, value) in bodyObject)
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (!knownObject.TryGetPropertyValue(key, out var knownValue))
                {
                    // Null and empty values vanish in the round trip without being unknown.
                    if (value is not null && !(value is JsonObject { Count: 0 }) && !(value is JsonArray { Count: 0 }))
                    {
                        found.Add(child);
                    }

                    continue;
                }

                Walk(value, knownValue, child, found);
            }
        }
        else if (body is JsonArray bodyArray && known is JsonArray knownArray && bodyArray.Count == knownArray.Count)
        {
            for (var i = 0; i < bodyArray.Count; i++)
            {
                Walk(bodyArray[i], knownArray[i], $"{path}[{i}]", found);
            }
        }
    }
}
