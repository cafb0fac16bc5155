using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>Parses a PATCH body, reporting malformed JSON with Go's decoder wording as upstream does (400).</summary>
public static class PatchBody
{
    /// <summary>
    /// Parses <paramref name="body"/>; <paramref name="prefix"/> goes before the decoder's message (upstream writes
    /// "error decoding patch: " for JSON and merge patches, nothing for strategic merge patches).
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> body, string prefix)
    {
        // Go's decoder reads whitespace-only and empty bodies as truncated input.
        var syntax = GoJson.SyntaxError(body);
        if (syntax is not null)
        {
            throw PatchErrors.BadRequest(prefix + syntax);
        }

        try
        {
            // Go's decoder keeps the last of repeated keys; System.Text.Json's tree would throw on first access.
            return DuplicateFields.Find(body).Count > 0 ? DuplicateFields.ParseValueLastWins(body) : JsonNode.Parse(body, documentOptions: ObjectCodec.DocumentOptions);
        }
        catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            throw PatchErrors.BadRequest($"the request body is nested too deeply: JSON is limited to {ObjectCodec.MaxDepth} levels of nesting");
        }
        catch (JsonException e)
        {
            // Well-formed for Go but not for System.Text.Json (e.g. invalid UTF-8 inside a string).
            throw PatchErrors.BadRequest(prefix + e.Message);
        }
    }

    /// <summary>Parses a body that must decode into Go's <c>map[string]interface {}</c>; null means an empty map.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> body, string prefix)
    {
        var node = Parse(body, prefix);
        return node switch
        {
            null => [],
            JsonObject obj => obj,
            _ => throw PatchErrors.BadRequest(prefix + GoJson.CannotUnmarshal(node, "map[string]interface {}")),
        };
    }
}
