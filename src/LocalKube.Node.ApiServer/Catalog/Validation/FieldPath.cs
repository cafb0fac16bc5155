using System.Text;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// A path to a field inside an object, rendered as upstream's field paths are (<c>spec.containers[0].name</c>,
/// <c>metadata.labels[app]</c>). kubectl prints it verbatim in front of each cause, so the shape matters.
/// </summary>
public sealed class FieldPath
{
    private readonly FieldPath? _parent;
    private readonly string _segment;

    private FieldPath(FieldPath? parent, string segment)
    {
        _parent = parent;
        _segment = segment;
    }

    /// <summary>A path starting at <paramref name="name"/> and descending through <paramref name="more"/>.</summary>
    public static FieldPath Root(string name, params string[] more)
    {
        var path = new FieldPath(null, name);
        return more.Length == 0 ? path : path.Child(more[0], more[1..]);
    }

    /// <summary>A child field, optionally several levels deep.</summary>
    public FieldPath Child(string name, params string[] more)
    {
        var path = new FieldPath(this, "." + name);
        foreach (var m in more)
        {
            path = new FieldPath(path, "." + m);
        }

        return path;
    }

    /// <summary>A list element: <c>[i]</c>.</summary>
    public FieldPath Index(int index) => new(this, $"[{index}]");

    /// <summary>A map entry: <c>[key]</c>.</summary>
    public FieldPath Key(string key) => new(this, $"[{key}]");

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new Stack<string>();
        for (var p = this; p is not null; p = p._parent)
        {
            parts.Push(p._segment);
        }

        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(part);
        }

        return sb.ToString();
    }
}
