using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>
/// A set of field paths as upstream's structured-merge-diff keeps them, stored as the trie that <c>fieldsV1</c>
/// serializes: each step is a key <c>f:&lt;field&gt;</c>, <c>k:{"name":"c"}</c> (map-list element),
/// <c>v:&lt;json&gt;</c> (set element) or <c>i:&lt;index&gt;</c>; a node is a member when the path itself is in the set
/// (written as <c>.</c> when it also has children).
/// </summary>
public sealed class FieldSet
{
    // Children sorted by key (ordinal), searched by halves: most nodes have a handful of children, and a list walks
    // without the enumerator, stack and tree nodes a SortedDictionary allocates (the API server builds these sets
    // for every write's managedFields).
    private List<KeyValuePair<string, FieldSet>>? _children;

    /// <summary>Whether the path of this node is itself in the set.</summary>
    public bool Member { get; set; }

    /// <summary>The children by step key, in key order.</summary>
    public IReadOnlyList<KeyValuePair<string, FieldSet>> Children => (IReadOnlyList<KeyValuePair<string, FieldSet>>?)_children ?? [];

    /// <summary>True when no path is in the set.</summary>
    public bool IsEmpty
    {
        get
        {
            if (Member)
            {
                return false;
            }

            if (_children is { } children)
            {
                foreach (var (_, c) in children)
                {
                    if (!c.IsEmpty)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    /// <summary>The child for <paramref name="key"/>, created when absent.</summary>
    public FieldSet Child(string key)
    {
        _children ??= new List<KeyValuePair<string, FieldSet>>(4);
        var at = IndexOf(_children, key);
        if (at >= 0)
        {
            return _children[at].Value;
        }

        var child = new FieldSet();
        _children.Insert(~at, new KeyValuePair<string, FieldSet>(key, child));
        return child;
    }

    /// <summary>The child for <paramref name="key"/>, or null.</summary>
    public FieldSet? Find(string key)
    {
        if (_children is null)
        {
            return null;
        }

        var at = IndexOf(_children, key);
        return at >= 0 ? _children[at].Value : null;
    }

    /// <summary>Adds a path.</summary>
    public void Insert(IEnumerable<string> path)
    {
        var node = this;
        foreach (var step in path)
        {
            node = node.Child(step);
        }

        node.Member = true;
    }

    /// <summary>Whether a path is a member.</summary>
    public bool Has(IEnumerable<string> path)
    {
        var node = this;
        foreach (var step in path)
        {
            node = node.Find(step);
            if (node is null)
            {
                return false;
            }
        }

        return node.Member;
    }

    /// <summary>Every member path, depth first in key order.</summary>
    public IEnumerable<IReadOnlyList<string>> Paths()
    {
        var result = new List<IReadOnlyList<string>>();
        Collect(this, [], result);
        return result;
    }

    /// <summary>A deep copy.</summary>
    public FieldSet Clone()
    {
        var copy = new FieldSet { Member = Member };
        if (_children is { Count: > 0 } children)
        {
            var list = new List<KeyValuePair<string, FieldSet>>(children.Count);
            foreach (var (k, c) in children)
            {
                list.Add(new KeyValuePair<string, FieldSet>(k, c.Clone()));
            }

            copy._children = list;
        }

        return copy;
    }

    /// <summary>Members of either set.</summary>
    public FieldSet Union(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = Clone();
        result.Absorb(other);
        return result;
    }

    /// <summary>Members of this set that are not members of <paramref name="other"/>.</summary>
    public FieldSet Difference(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet { Member = Member && !other.Member };
        foreach (var (k, c) in _children ?? Empty)
        {
            var o = other.Find(k);
            var d = o is null ? c.Clone() : c.Difference(o);
            if (!d.IsEmpty)
            {
                result.Child(k).Absorb(d);
            }
        }

        return result;
    }

    /// <summary>Members of both sets.</summary>
    public FieldSet Intersection(FieldSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new FieldSet { Member = Member && other.Member };
        foreach (var (k, c) in _children ?? Empty)
        {
            if (other.Find(k) is { } o)
            {
                var i = c.Intersection(o);
                if (!i.IsEmpty)
                {
                    result.Child(k).Absorb(i);
                }
            }
        }

        return result;
    }

    /// <summary>This set without any member that is in, or under a member of, <paramref name="prefixes"/>.</summary>
    public FieldSet RecursiveDifference(FieldSet prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var result = new FieldSet { Member = Member && !prefixes.Member };
        foreach (var (k, c) in _children ?? Empty)
        {
            var p = prefixes.Find(k);
            if (p is { Member: true })
            {
                continue;
            }

            var d = p is null ? c.Clone() : c.RecursiveDifference(p);
            if (!d.IsEmpty)
            {
                result.Child(k).Absorb(d);
            }
        }

        return result;
    }

    /// <summary>The set with every named field (<c>f:</c>) that leads to a member made a member itself, as upstream's
    /// <c>EnsureNamedFieldsAreMembers</c> does before pruning.</summary>
    public FieldSet WithNamedParents()
    {
        var result = Clone();
        Mark(result);
        return result;

        static void Mark(FieldSet node)
        {
            foreach (var (k, c) in node._children ?? Empty)
            {
                if (c.IsEmpty)
                {
                    continue;
                }

                if (k.StartsWith("f:", StringComparison.Ordinal))
                {
                    c.Member = true;
                }

                Mark(c);
            }
        }
    }

    /// <summary>Whether both sets hold the same members.</summary>
    public bool SetEquals(FieldSet other) => Difference(other).IsEmpty && other.Difference(this).IsEmpty;

    /// <summary>The <c>fieldsV1</c> JSON of this set.</summary>
    public JsonObject ToFieldsV1()
    {
        var json = new JsonObject();
        if (Member && _children is { Count: > 0 } && !AllEmpty(_children))
        {
            json["."] = new JsonObject();
        }

        foreach (var (k, c) in _children ?? Empty)
        {
            if (!c.IsEmpty)
            {
                json[k] = c.ToFieldsV1();
            }
        }

        return json;
    }

    /// <summary>Parses <c>fieldsV1</c> JSON.</summary>
    /// <exception cref="FormatException">When the JSON is not a fieldsV1 trie.</exception>
    public static FieldSet FromFieldsV1(JsonNode? json)
    {
        var set = new FieldSet();
        if (json is null)
        {
            return set;
        }

        if (json is not JsonObject obj)
        {
            throw new FormatException("fieldsV1 must be a JSON object");
        }

        Read(obj, set);
        return set;

        static void Read(JsonObject obj, FieldSet node)
        {
            foreach (var (k, v) in obj)
            {
                if (k == ".")
                {
                    node.Member = true;
                    continue;
                }

                if (k.Length < 2 || k[1] != ':' || k[0] is not ('f' or 'k' or 'v' or 'i'))
                {
                    throw new FormatException($"unexpected fieldsV1 key {k}");
                }

                var child = node.Child(k);
                if (v is not JsonObject o)
                {
                    throw new FormatException($"fieldsV1 value of {k} must be an object");
                }

                if (o.Count == 0)
                {
                    child.Member = true;
                }
                else
                {
                    Read(o, child);
                }
            }
        }
    }

    /// <summary>A path as upstream prints it in conflicts: <c>.spec.containers[name="c"].image</c>.</summary>
    public static string Describe(IEnumerable<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var sb = new StringBuilder();
        foreach (var step in path)
        {
            var body = step[2..];
            switch (step[0])
            {
                case 'f':
                    sb.Append('.').Append(body);
                    break;
                case 'v':
                    sb.Append("[=").Append(body).Append(']');
                    break;
                case 'i':
                    sb.Append('[').Append(body).Append(']');
                    break;
                default:
                    var key = JsonNode.Parse(body) as JsonObject;
                    sb.Append('[').Append(string.Join(",", (key ?? []).Select(p => $"{p.Key}={p.Value?.ToJsonString(KeyJson)}").Order(StringComparer.Ordinal))).Append(']');
                    break;
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(" ", Paths().Select(Describe));

    /// <summary>Compact JSON with Go-like escaping, for keys and values inside steps.</summary>
    internal static JsonSerializerOptions KeyJson { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private void Absorb(FieldSet other)
    {
        Member |= other.Member;
        foreach (var (k, c) in other._children ?? Empty)
        {
            Child(k).Absorb(c);
        }
    }

    private static readonly List<KeyValuePair<string, FieldSet>> Empty = [];

    private static bool AllEmpty(List<KeyValuePair<string, FieldSet>> children)
    {
        foreach (var (_, c) in children)
        {
            if (!c.IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    private static int IndexOf(List<KeyValuePair<string, FieldSet>> children, string key)
    {
        int lo = 0, hi = children.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var order = string.CompareOrdinal(children[mid].Key, key);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private static void Collect(FieldSet node, List<string> prefix, List<IReadOnlyList<string>> into)
    {
        foreach (var (k, c) in node._children ?? Empty)
        {
            prefix.Add(k);
            if (c.Member)
            {
                into.Add(prefix.ToArray());
            }

            Collect(c, prefix, into);
            prefix.RemoveAt(prefix.Count - 1);
        }
    }
}
