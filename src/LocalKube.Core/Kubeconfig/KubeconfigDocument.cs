using LocalKube.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Core.Kubeconfig;

/// <summary>
/// A kubeconfig held as a YAML node tree, edited in place.
/// </summary>
/// <remarks>
/// <c>K8SConfiguration</c> cannot be used for the merge: deserializing drops unknown top-level keys and cluster
/// fields it does not model (<c>tls-server-name</c>, <c>proxy-url</c>, <c>disable-compression</c>...), models
/// <c>extensions</c> as a map while kubeconfig has a list, and re-serializing adds defaults such as
/// <c>insecure-skip-tls-verify: false</c>. Editing the node tree touches only our entries; everything else is
/// emitted as it was read (only comments are lost).
/// </remarks>
internal sealed class KubeconfigDocument
{
    public const string StampName = "localkube.io";

    private static readonly (string Section, string Item)[] Sections = [("clusters", "cluster"), ("users", "user"), ("contexts", "context")];

    private KubeconfigDocument(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static KubeconfigDocument Parse(string text, string path)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw Invalid(path, $"is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and its representation model throw these on some malformed input (an event of an
            // unexpected type, e.g. a sequence entry "- : x" followed by a broken line); the last event parsed tells
            // roughly where.
            var line = parser.Current?.End.Line ?? 1;
            throw Invalid(path, $"is not valid YAML near line {line}: {e.Message}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return CreateEmpty();
        }

        if (stream.Documents.Count > 1)
        {
            throw Invalid(path, $"holds {stream.Documents.Count} YAML documents; a kubeconfig has one");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Invalid(path, $"is not a kubeconfig: the top level at line {stream.Documents[0].RootNode.Start.Line} is not a mapping");
        }

        var document = new KubeconfigDocument(root);
        foreach (var (section, item) in Sections)
        {
            document.CheckSection(section, item, path);
        }

        return document;
    }

    public static KubeconfigDocument CreateEmpty() => new(new YamlMappingNode
    {
        { "apiVersion", "v1" },
        { "kind", "Config" },
        { "preferences", new YamlMappingNode() },
        { "clusters", new YamlSequenceNode() },
        { "users", new YamlSequenceNode() },
        { "contexts", new YamlSequenceNode() },
        { "current-context", new YamlScalarNode("") { Style = ScalarStyle.DoubleQuoted } },
    });

    public string? CurrentContext => Root.Children.TryGetValue("current-context", out var node) && node is YamlScalarNode s && !string.IsNullOrEmpty(s.Value)
        ? s.Value
        : null;

    public void SetCurrentContext(string value) =>
        Root.Children["current-context"] = new YamlScalarNode(value) { Style = value.Length == 0 ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };

    /// <summary>The entry named <paramref name="name"/> in a section (<c>clusters</c>, <c>users</c>, <c>contexts</c>).</summary>
    public YamlMappingNode? Find(string section, string name) =>
        Items(section).FirstOrDefault(i => ScalarOf(i, "name") == name);

    /// <summary>True when the entry carries LocalKube's stamp, i.e. LocalKube made it and may change it.</summary>
    public static bool IsOurs(YamlMappingNode entry, string itemKey) =>
        entry.Children.TryGetValue(itemKey, out var inner) && inner is YamlMappingNode body
        && body.Children.TryGetValue("extensions", out var ext) && ext is YamlSequenceNode list
        && list.Children.OfType<YamlMappingNode>().Any(e => ScalarOf(e, "name") == StampName);

    /// <summary>
    /// Creates or updates our entry: sets <paramref name="values"/>, drops <paramref name="remove"/>, and stamps it.
    /// Keys we do not manage (a user's <c>namespace</c> on the context) stay.
    /// </summary>
    public void Upsert(string section, string itemKey, string name, IReadOnlyList<(string Key, string Value)> values, IReadOnlyList<string> remove, YamlMappingNode stamp)
    {
        var entry = Find(section, name);
        if (entry is null)
        {
            entry = new YamlMappingNode { { "name", name } };
            Sequence(section).Add(entry);
        }

        if (!entry.Children.TryGetValue(itemKey, out var innerNode) || innerNode is not YamlMappingNode inner)
        {
            inner = new YamlMappingNode();
            entry.Children[itemKey] = inner;
        }

        foreach (var key in remove)
        {
            inner.Children.Remove(key);
        }

        foreach (var (key, value) in values)
        {
            inner.Children[key] = new YamlScalarNode(value);
        }

        if (!inner.Children.TryGetValue("extensions", out var extNode) || extNode is not YamlSequenceNode extensions)
        {
            extensions = new YamlSequenceNode();
            inner.Children["extensions"] = extensions;
        }

        var old = extensions.Children.OfType<YamlMappingNode>().FirstOrDefault(e => ScalarOf(e, "name") == StampName);
        if (old is not null)
        {
            extensions.Children.Remove(old);
        }

        extensions.Add(new YamlMappingNode { { "name", StampName }, { "extension", stamp } });
    }

    public bool Remove(string section, string name)
    {
        if (!Root.Children.TryGetValue(section, out var node) || node is not YamlSequenceNode sequence)
        {
            return false;
        }

        var entry = Find(section, name);
        return entry is not null && sequence.Children.Remove(entry);
    }

    public string Serialize()
    {
        var writer = new StringWriter { NewLine = "\n" };
        // A huge best width keeps long values (exec args, tokens) on one line, as they were.
        var emitter = new Emitter(writer, 2, 1 << 20);
        // Block style throughout, as kubectl writes: an empty list is written "[]", read back as a flow sequence, and
        // would otherwise keep everything later added to it on one line (and out of BlockYaml's quick path).
        foreach (var node in Root.AllNodes)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    mapping.Style = MappingStyle.Any;
                    break;
                case YamlSequenceNode sequence:
                    sequence.Style = SequenceStyle.Any;
                    break;
            }
        }

        new YamlStream(new YamlDocument(Root)).Save(emitter, assignAnchors: false);
        // The emitter closes the document with an explicit "..."; kubectl never writes one, so drop it.
        var text = writer.ToString();
        return text.EndsWith("\n...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    public static string? ScalarOf(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private IEnumerable<YamlMappingNode> Items(string section) =>
        Root.Children.TryGetValue(section, out var node) && node is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlMappingNode>()
            : [];

    private YamlSequenceNode Sequence(string section)
    {
        if (Root.Children.TryGetValue(section, out var node) && node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        // Missing, or null ("clusters:" with nothing after it, as kubectl tolerates).
        sequence = new YamlSequenceNode();
        Root.Children[section] = sequence;
        return sequence;
    }

    private void CheckSection(string section, string itemKey, string path)
    {
        if (!Root.Children.TryGetValue(section, out var node) || node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return;
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw Invalid(path, $"is not a kubeconfig: '{section}' at line {node.Start.Line} is not a list");
        }

        foreach (var item in sequence.Children)
        {
            if (item is not YamlMappingNode entry || ScalarOf(entry, "name") is null)
            {
                throw Invalid(path, $"is not a kubeconfig: the '{section}' entry at line {item.Start.Line} has no name");
            }

            if (entry.Children.TryGetValue(itemKey, out var body) && body is not YamlMappingNode && body is not YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                throw Invalid(path, $"is not a kubeconfig: '{itemKey}' at line {body.Start.Line} is not a mapping");
            }
        }
    }

    private static LocalKubeException Invalid(string path, string problem, Exception? inner = null) =>
        new(Reasons.KubeconfigUpdate, $"The kubeconfig '{path}' {problem}. It was left untouched.", inner);
}
