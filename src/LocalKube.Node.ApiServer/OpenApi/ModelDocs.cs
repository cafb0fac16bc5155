using System.Reflection;
using System.Xml;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The summaries of KubernetesClient's model types and properties (generated from upstream's API descriptions), from
/// the filtered copy of its XML docs embedded at build time. Read by each document build and dropped with it: the
/// documents are built once and cached, and holding every summary of every model type for the agent's lifetime
/// cost ~5 MB of strings that nothing reads again (docs/notes/mem8.md).
/// </summary>
internal sealed class ModelDocs
{
    private const string ResourceName = "LocalKube.ModelDocs.xml";
    private readonly Dictionary<string, string> _docs;

    private ModelDocs(Dictionary<string, string> docs) => _docs = docs;

    /// <summary>Whether the docs were embedded (false only for a build that skipped the filter target).</summary>
    public bool Available => _docs.Count > 0;

    /// <summary>The summary of a model type, or null.</summary>
    public string? Of(Type type) => _docs.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The summary of a model property, or null.</summary>
    public string? Of(PropertyInfo property) =>
        _docs.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    /// <summary>Reads the embedded docs (empty when the build embedded none).</summary>
    public static ModelDocs Load()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(ModelDocs).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return new ModelDocs(docs);
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

        return new ModelDocs(docs);
    }
}
