using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>One decoded RFC 6902 operation: the raw members, as upstream's library keeps them.</summary>
/// <param name="Members">The operation object.</param>
public sealed record JsonPatchOperation(JsonObject Members);

/// <summary>
/// RFC 6902 JSON Patch with the behaviour of the library upstream's API server applies it with
/// (evanphx/json-patch v4): <c>add</c>, <c>remove</c>, <c>replace</c>, <c>move</c>, <c>copy</c>, <c>test</c>; JSON
/// Pointer escapes <c>~0</c>/<c>~1</c>; <c>-</c> appends; negative indices count from the end; <c>replace</c> of an
/// absent object member sets it; <c>copy</c> from an absent member copies null. Failures carry the library's wording.
/// </summary>
public static class JsonPatch
{
    /// <summary>Upstream's limit on operations in one patch.</summary>
    public const int MaxOperations = 10000;

    /// <summary>
    /// Decodes a patch body as upstream does (strict decoding into its operation struct first): malformed JSON or a
    /// wrong member type is a 400 "error decoding patch: ...", more than <see cref="MaxOperations"/> a 413.
    /// </summary>
    public static IReadOnlyList<JsonPatchOperation> Parse(ReadOnlySpan<byte> body)
    {
        const string Prefix = "error decoding patch: ";
        var node = PatchBody.Parse(body, Prefix);
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw PatchErrors.BadRequest(Prefix + GoJson.CannotUnmarshal(node, "[]handlers.jsonPatchOp"));
        }

        var ops = new List<JsonPatchOperation>(array.Count);
        foreach (var item in array)
        {
            if (item is null)
            {
                ops.Add(new JsonPatchOperation([]));
                continue;
            }

            if (item is not JsonObject op)
            {
                throw PatchErrors.BadRequest(Prefix + GoJson.CannotUnmarshal(item, "handlers.jsonPatchOp"));
            }

            foreach (var field in (string[])["op", "path", "from"])
            {
                if (op.TryGetPropertyValue(field, out var value) && value is not null && GoJson.Kind(value) != "string")
                {
                    throw PatchErrors.BadRequest(Prefix + $"json: cannot unmarshal {GoJson.Kind(value)} into Go struct field jsonPatchOp.{field} of type string");
                }
            }

            ops.Add(new JsonPatchOperation(op));
        }

        if (ops.Count > MaxOperations)
        {
            throw Rest.StatusException.TooLarge($"Request entity too large: The allowed maximum operations in a JSON patch is {MaxOperations}, got {ops.Count}");
        }

        return ops;
    }

    /// <summary>Applies <paramref name="operations"/> to <paramref name="document"/> (changed in place) and returns the result.</summary>
    /// <exception cref="Rest.StatusException">upstream's 422 when an operation does not apply.</exception>
    public static JsonNode Apply(JsonNode document, IReadOnlyList<JsonPatchOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(operations);
        var doc = document;
        foreach (var op in operations)
        {
            try
            {
                doc = ApplyOne(doc, op.Members);
            }
            catch (PatchFailure failure)
            {
                throw PatchErrors.Unprocessable(failure.Message);
            }
        }

        return doc;
    }

    private sealed class PatchFailure(string message) : Exception(message);

    private const string Missing = "missing value";
    private const string InvalidIndex = "invalid index referenced";

    private static JsonNode ApplyOne(JsonNode doc, JsonObject op)
    {
        var kind = StringMember(op, "op", out var k) ? k! : "unknown";
        switch (kind)
        {
            case "add":
                Add(doc, op);
                return doc;
            case "remove":
                Remove(doc, op);
                return doc;
            case "replace":
                return Replace(doc, op);
            case "move":
                Move(doc, op);
                return doc;
            case "test":
                Test(doc, op);
                return doc;
            case "copy":
                Copy(doc, op);
                return doc;
            default:
                throw new PatchFailure($"Unexpected kind: {kind}");
        }
    }

    private static void Add(JsonNode doc, JsonObject op)
    {
        var path = Path(op) ?? throw new PatchFailure($"add operation failed to decode path: {Missing}");
        var (container, key) = Find(doc, path) ?? throw new PatchFailure($"add operation does not apply: doc is missing path: \"{path}\": {Missing}");
        Fail(() => Insert(container, key, Value(op)), e => $"error in add for path: '{path}': {e}");
    }

    private static void Remove(JsonNode doc, JsonObject op)
    {
        var path = Path(op) ?? throw new PatchFailure($"remove operation failed to decode path: {Missing}");
        var (container, key) = Find(doc, path) ?? throw new PatchFailure($"remove operation does not apply: doc is missing path: \"{path}\": {Missing}");
        Fail(() => Delete(container, key), e => $"error in remove for path: '{path}': {e}");
    }

    private static JsonNode Replace(JsonNode doc, JsonObject op)
    {
        var path = PathOrError(op, "replace");
        if (path.Length == 0)
        {
            return Value(op) is JsonObject replacement ? replacement : throw new PatchFailure("replace operation value must be object or array: %!w(<nil>)");
        }

        var (container, key) = Find(doc, path) ?? throw new PatchFailure($"replace operation does not apply: doc is missing path: {path}: {Missing}");
        try
        {
            Get(container, key);
        }
        catch (PatchFailure)
        {
            throw new PatchFailure($"replace operation does not apply: doc is missing key: {path}: {Missing}");
        }

        Fail(() => Set(container, key, Value(op)), e => $"error in remove for path: '{path}': {e}");
        return doc;
    }

    private static void Move(JsonNode doc, JsonObject op)
    {
        var from = FromOrError(op, "move");
        var (source, fromKey) = Find(doc, from) ?? throw new PatchFailure($"move operation does not apply: doc is missing from path: {from}: {Missing}");
        JsonNode? value = null;
        Fail(() => value = Get(source, fromKey), e => $"error in move for path: '{fromKey}': {e}");
        Fail(() => Delete(source, fromKey), e => $"error in move for path: '{fromKey}': {e}");
        var path = PathOrError(op, "move");
        var (target, key) = Find(doc, path) ?? throw new PatchFailure($"move operation does not apply: doc is missing destination path: {path}: {Missing}");
        Fail(() => Insert(target, key, value), e => $"error in move for path: '{path}': {e}");
    }

    private static void Copy(JsonNode doc, JsonObject op)
    {
        var from = FromOrError(op, "copy");
        var (source, fromKey) = Find(doc, from) ?? throw new PatchFailure($"copy operation does not apply: doc is missing from path: {from}: {Missing}");
        JsonNode? value = null;
        Fail(() => value = Get(source, fromKey), e => $"error in copy for from: '{from}': {e}");
        var path = Path(op) ?? throw new PatchFailure($"copy operation failed to decode path: {Missing}");
        var (target, key) = Find(doc, path) ?? throw new PatchFailure($"copy operation does not apply: doc is missing destination path: {path}: {Missing}");
        var copy = value?.DeepClone();
        Fail(() => Insert(target, key, copy), e => $"error while adding value during copy: {e}");
    }

    private static void Test(JsonNode doc, JsonObject op)
    {
        var path = PathOrError(op, "test");
        var hasValue = op.TryGetPropertyValue("value", out var expected);
        if (path.Length == 0)
        {
            if (!hasValue || !ValueEquals(doc, expected))
            {
                throw new PatchFailure($"testing value {path} failed: test failed");
            }

            return;
        }

        var (container, key) = Find(doc, path) ?? throw new PatchFailure($"test operation does not apply: is missing path: {path}: {Missing}");
        JsonNode? actual = null;
        Fail(() => actual = Get(container, key), e => $"error in test for path: '{path}': {e}");
        if (actual is null)
        {
            // A missing or null value passes against an absent or null "value".
            if (expected is null)
            {
                return;
            }

            throw new PatchFailure($"testing value {path} failed: test failed");
        }

        if (!hasValue || !ValueEquals(actual, expected))
        {
            throw new PatchFailure($"testing value {path} failed: test failed");
        }
    }

    // Objects by members, arrays by elements, scalars by their JSON text (as the library compares raw bytes),
    // strings by value.
    private static bool ValueEquals(JsonNode? a, JsonNode? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case JsonObject ao:
                if (b is not JsonObject bo || ao.Count != bo.Count)
                {
                    return false;
                }

                foreach (var (key, value) in ao)
                {
                    if (!bo.TryGetPropertyValue(key, out var other) || !ValueEquals(value, other))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray aa:
                if (b is not JsonArray ba || aa.Count != ba.Count)
                {
                    return false;
                }

                for (var i = 0; i < aa.Count; i++)
                {
                    if (!ValueEquals(aa[i], ba[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValue av:
                if (b is not JsonValue bv || av.GetValueKind() != bv.GetValueKind())
                {
                    return false;
                }

                return av.GetValueKind() == JsonValueKind.String
                    ? av.GetValue<string>() == bv.GetValue<string>()
                    : av.ToJsonString() == bv.ToJsonString();
            default:
                return false;
        }
    }

    private static JsonNode? Value(JsonObject op) => op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : null;

    private static string? Path(JsonObject op) => StringMember(op, "path", out var p) ? p : null;

    private static string PathOrError(JsonObject op, string verb) => Member(op, "path", $"{verb} operation failed to decode path: ", "operation missing path field");

    private static string FromOrError(JsonObject op, string verb) => Member(op, "from", $"{verb} operation failed to decode from: ", "operation, missing from field");

    private static string Member(JsonObject op, string name, string prefix, string missing)
    {
        if (!op.TryGetPropertyValue(name, out var node) || node is null)
        {
            throw new PatchFailure($"{prefix}{missing}: {Missing}");
        }

        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new PatchFailure($"{prefix}json: cannot unmarshal {GoJson.Kind(node)} into Go value of type string");
    }

    private static bool StringMember(JsonObject op, string name, out string? value)
    {
        value = op.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return value is not null;
    }

    private static void Fail(Action action, Func<string, string> wrap)
    {
        try
        {
            action();
        }
        catch (PatchFailure e)
        {
            throw new PatchFailure(wrap(e.Message));
        }
    }

    // The parent container of the last token and that token, unescaped; null when the parent does not exist.
    private static (JsonNode Container, string Key)? Find(JsonNode doc, string path)
    {
        var parts = path.Split('/');
        if (parts.Length < 2)
        {
            return null;
        }

        var current = doc;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            JsonNode? next;
            try
            {
                next = Get(current, Unescape(parts[i]));
            }
            catch (PatchFailure)
            {
                return null;
            }

            if (next is not (JsonObject or JsonArray))
            {
                return null;
            }

            current = next;
        }

        return (current, Unescape(parts[^1]));
    }

    private static string Unescape(string token) => token.Contains('~', StringComparison.Ordinal)
        ? token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)
        : token;

    private static JsonNode? Get(JsonNode container, string key)
    {
        if (container is JsonObject obj)
        {
            return obj.TryGetPropertyValue(key, out var value) ? value : null;
        }

        var array = (JsonArray)container;
        var index = Index(key);
        if (index < 0)
        {
            if (index < -array.Count)
            {
                throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}");
            }

            index += array.Count;
        }

        return index >= array.Count ? throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}") : array[(int)index];
    }

    private static void Set(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject obj)
        {
            obj[key] = value;
            return;
        }

        var array = (JsonArray)container;
        var index = Index(key);
        if (index < 0)
        {
            index += array.Count;
        }

        array[(int)index] = value;
    }

    private static void Insert(JsonNode container, string key, JsonNode? value)
    {
        if (container is JsonObject obj)
        {
            obj[key] = value;
            return;
        }

        var array = (JsonArray)container;
        if (key == "-")
        {
            array.Add(value);
            return;
        }

        long index;
        try
        {
            index = Index(key);
        }
        catch (PatchFailure e)
        {
            throw new PatchFailure($"value was not a proper array index: '{key}': {e.Message}");
        }

        var size = array.Count + 1;
        if (index >= size)
        {
            throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}");
        }

        if (index < 0)
        {
            if (index < -size)
            {
                throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}");
            }

            index += size;
        }

        array.Insert((int)index, value);
    }

    private static void Delete(JsonNode container, string key)
    {
        if (container is JsonObject obj)
        {
            if (!obj.Remove(key))
            {
                throw new PatchFailure($"Unable to remove nonexistent key: {key}: {Missing}");
            }

            return;
        }

        var array = (JsonArray)container;
        var index = Index(key);
        if (index >= array.Count)
        {
            throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}");
        }

        if (index < 0)
        {
            if (index < -array.Count)
            {
                throw new PatchFailure($"Unable to access invalid index: {index}: {InvalidIndex}");
            }

            index += array.Count;
        }

        array.RemoveAt((int)index);
    }

    // Go's strconv.Atoi, with its error text.
    private static long Index(string key)
    {
        var digits = key.Length > 0 && key[0] is '+' or '-' ? key[1..] : key;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw new PatchFailure($"strconv.Atoi: parsing {Quote(key)}: invalid syntax");
        }

        return long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new PatchFailure($"strconv.Atoi: parsing {Quote(key)}: value out of range");
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}
