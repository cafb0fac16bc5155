using System.Globalization;
using System.Text;
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
        Walk(body, roundTrip, [], found);
        return found;
    }

    // The path is kept as steps and only spelled out for an unknown field: every request body is walked, and almost
    // all of them have none.
    private static void Walk(JsonNode? body, JsonNode? known, List<Step> path, List<string> found)
    {
        if (body is JsonObject bodyObject && known is JsonObject knownObject)
        {
            foreach (var (key, value) in bodyObject)
            {
                if (!knownObject.TryGetPropertyValue(key, out var knownValue))
                {
                    // Null and empty values vanish in the round trip without being unknown.
                    if (value is not null && !(value is JsonObject { Count: 0 }) && !(value is JsonArray { Count: 0 }))
                    {
                        found.Add(Spell(path, new Step(key, -1)));
                    }

                    continue;
                }

                if (value is JsonObject or JsonArray)
                {
                    path.Add(new Step(key, -1));
                    Walk(value, knownValue, path, found);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
        else if (body is JsonArray bodyArray && known is JsonArray knownArray && bodyArray.Count == knownArray.Count)
        {
            for (var i = 0; i < bodyArray.Count; i++)
            {
                if (bodyArray[i] is JsonObject or JsonArray)
                {
                    path.Add(new Step(null, i));
                    Walk(bodyArray[i], knownArray[i], path, found);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
    }

    private static string Spell(List<Step> path, Step last)
    {
        var text = new StringBuilder();
        foreach (var step in path)
        {
            Append(text, step);
        }

        Append(text, last);
        return text.ToString();

        static void Append(StringBuilder text, Step step)
        {
            if (step.Key is null)
            {
                text.Append('[').Append(step.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                text.Append(text.Length == 0 ? "" : ".").Append(step.Key);
            }
        }
    }

    // An object key, or an array index when Key is null.
    private readonly record struct Step(string? Key, int Index);
}
