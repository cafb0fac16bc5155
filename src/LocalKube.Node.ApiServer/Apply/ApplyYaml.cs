using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>
/// Reads an <c>application/apply-patch+yaml</c> body: JSON (what kubectl and KubernetesClient send) or YAML, turned
/// into a JSON tree the way sigs.k8s.io/yaml does (plain scalars typed as null, booleans and numbers; quoted ones stay
/// strings).
/// </summary>
public static class ApplyYaml
{
    /// <summary>Parses the body into a JSON object.</summary>
    /// <exception cref="StatusException">400 <c>error decoding YAML: ...</c> when it is neither.</exception>
    public static JsonObject Parse(ReadOnlySpan<byte> body)
    {
        var start = 0;
        while (start < body.Length && body[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start < body.Length && body[start] == (byte)'{')
        {
            return RequestBody.Parse(body);
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Encoding.UTF8.GetString(body)));
            var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            return Convert(root, 0) as JsonObject ?? throw new YamlException("the apply configuration must be a YAML mapping");
        }
        catch (YamlException e)
        {
            throw StatusException.BadRequest($"error decoding YAML: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's representation model throws this, not a YamlException, for some broken flow collections
            // (an unterminated `[` before a mapping key); found by the API fuzz harness as a 500.
            throw StatusException.BadRequest($"error decoding YAML: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // YamlDotNet's representation model refuses a key repeated in one mapping this way (yaml.v2: "key already set").
            throw StatusException.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    private static JsonNode? Convert(YamlNode? node, int depth)
    {
        if (depth > ObjectCodec.MaxDepth)
        {
            throw new YamlException($"the configuration is nested deeper than {ObjectCodec.MaxDepth} levels");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? throw new YamlException("mapping keys must be scalars");
                    obj[key] = Convert(v, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children)
                {
                    array.Add(Convert(item, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h))
        {
            return JsonValue.Create(h);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d)
            && text.Any(char.IsDigit) && !text.Contains(' ', StringComparison.Ordinal))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(text);
    }
}
