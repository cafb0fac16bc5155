using System.Reflection;
using System.Xml;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The summaries of KubernetesClient's model types and properties (generated from upstream's API descriptions), from
/// the filtered copy of its XML docs embedded at build time. Loaded once, on first use.
/// </summary>
internal static class ModelDocs
{
    private const string ResourceName = "LocalKube.ModelDocs.xml";
    private static readonly Lazy<Dictionary<string, string>> Docs = new(Load);

    /// <summary>Whether the docs were embedded (false only for a build that skipped the filter target).</summary>
    public static bool Available => Docs.Value.Count > 0;

    /// <summary>The summary of a model type, or null.</summary>
    public static string? Of(Type type) => Docs.Value.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The summary of a model property, or null.</summary>
    public static string? Of(PropertyInfo property) =>
        Docs.Value.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static Dictionary<string, string> Load()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(ModelDocs).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return docs;
        }

        using var reader = XmlReader.Create(stream, new XmlReaderSettings { IgnoreWhitespace = true });
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "m")
            {
                reader.Read();
                continue;
            }

            // ReadElementContentAsString leaves the reader on the next element already.
            var name = reader.GetAttribute("n");
            var text = reader.ReadElementContentAsString();
            if (name is not null && text.Length > 0)
            {
                docs[name] = text;
            }
        }

        return docs;
    }
}
