using System.Text;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Core.Tests.Support;

/// <summary>
/// Renders a YAML node as a canonical string that captures its meaning: mapping keys sorted, quoting normalised, but
/// plain and quoted scalars kept apart (plain <c>007</c> is a number, quoted <c>"007"</c> a string).
/// </summary>
internal static class YamlMeaning
{
    public static YamlMappingNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static string Of(YamlNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    public static YamlMappingNode? Entry(YamlMappingNode root, string section, string name) =>
        ((YamlSequenceNode)root[section]).Children.OfType<YamlMappingNode>()
            .FirstOrDefault(e => ((YamlScalarNode)e["name"]).Value == name);

    private static void Write(YamlNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("<absent>");
                break;
            case YamlScalarNode scalar:
                var plain = scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any;
                text.Append(plain ? "plain:" : "str:").Append(scalar.Value);
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var child in sequence.Children)
                {
                    Write(child, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case YamlMappingNode mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.Children.OrderBy(c => ((YamlScalarNode)c.Key).Value, StringComparer.Ordinal))
                {
                    text.Append(((YamlScalarNode)key).Value).Append('=');
                    Write(value, text);
                    text.Append(';');
                }

                text.Append('}');
                break;
        }
    }
}
