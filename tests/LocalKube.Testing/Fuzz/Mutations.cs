using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace LocalKube.Testing.Fuzz;

/// <summary>
/// The mutations every fuzz target draws from: byte-level (bit flips, truncation, splices, invalid UTF-8) and
/// structural on JSON trees (wrong types, odd values, deep nesting, removed and added keys).
/// </summary>
public static class Mutations
{
    /// <summary>Values a careless script or a hostile client sends where something ordinary was expected.</summary>
    public static readonly string[] OddStrings =
    [
        "", " ", "-", "0", "-1", "NaN", "Infinity", "-Infinity", "null", "true", "1e309", "-0", "0x10", "1_000",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1.7976931348623157e309",
        "\u0000", "\u007f", "\t\r\n", "\u00a0", "\u200b", "\u202e", "\ufeff", "\uffff", "é", "日本語", "😀", "\ud83d",
        "a\u0301", "ǅ", "%00", "%ff", "../../etc/passwd", "a/b", "a b", "A", "-a", "a-", "a..b", ".", "..",
        "$(reboot)", "'; DROP TABLE x; --", "<script>", "{", "}", "[", "\"", "\\", "\\u0000", "1Gi", "1ki", "--1",
        "100m", "1e3", "1E", "+5", ".5", "5.", "1.2.3", "2024-13-45T25:61:61Z", "2006-01-02T15:04:05Z", "P1D",
        "10s", "-10s", "3000000000", "2147483648", "-2147483649", "Always", "Never", "IfNotPresent", "TCP", "UDP",
        "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "None", "*", "default", "kube-system",
    ];

    private static readonly JsonNode?[] OddNumbers =
    [
        JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(int.MaxValue), JsonValue.Create(int.MinValue),
        JsonValue.Create(long.MaxValue), JsonValue.Create(long.MinValue), JsonValue.Create(1.5), JsonValue.Create(-0.0),
        JsonValue.Create(1e300), JsonValue.Create(4294967296L), JsonValue.Create(65536), JsonValue.Create(0.0001),
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xff], [0xfe, 0xff], [0xc3], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xf0, 0x9f, 0x98],
    ];

    private static readonly byte[] Interesting = "{}[]\":,\\ \t\n\0\u007f-+.0123456789eEtrufalsn"u8.ToArray();

    /// <summary>A number in [0, <paramref name="n"/>).</summary>
    public static int Next(PCG pcg, int n)
    {
        ArgumentNullException.ThrowIfNull(pcg);
        return n <= 1 ? 0 : (int)pcg.Next((uint)n);
    }

    /// <summary>True with probability <paramref name="percent"/>%.</summary>
    public static bool Chance(PCG pcg, int percent) => Next(pcg, 100) < percent;

    /// <summary>One of <paramref name="items"/>.</summary>
    public static T Pick<T>(PCG pcg, IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items[Next(pcg, items.Count)];
    }

    /// <summary>An odd string: from the list, a long run, or random characters.</summary>
    public static string OddString(PCG pcg)
    {
        return Next(pcg, 10) switch
        {
            0 => new string(Pick(pcg, ['a', 'x', '-', '.', '9']), Pick(pcg, [63, 64, 253, 254, 1_000, 70_000])),
            1 => RandomText(pcg, 1 + Next(pcg, 40)),
            _ => Pick(pcg, OddStrings),
        };
    }

    /// <summary>Random characters across ASCII, controls, Latin-1, CJK, surrogates and emoji.</summary>
    public static string RandomText(PCG pcg, int length)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(Next(pcg, 8) switch
            {
                0 => (char)Next(pcg, 0x20),
                1 => (char)(0x80 + Next(pcg, 0x80)),
                2 => (char)(0x4e00 + Next(pcg, 0x5000)),
                3 => (char)(0xd800 + Next(pcg, 0x800)),
                _ => (char)(0x20 + Next(pcg, 0x5f)),
            });
        }

        return sb.ToString();
    }

    /// <summary>1 to 4 byte-level changes of <paramref name="data"/>.</summary>
    public static byte[] MutateBytes(PCG pcg, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var bytes = new List<byte>(data);
        var count = 1 + Next(pcg, 4);
        for (var m = 0; m < count; m++)
        {
            var at = Next(pcg, bytes.Count + 1);
            switch (Next(pcg, 9))
            {
                case 0 when bytes.Count > 0: // flip one bit
                    at = Math.Min(at, bytes.Count - 1);
                    bytes[at] ^= (byte)(1 << Next(pcg, 8));
                    break;
                case 1: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2: // invalid UTF-8
                    bytes.InsertRange(at, Pick(pcg, InvalidUtf8));
                    break;
                case 3: // a structural byte
                    bytes.Insert(at, Pick(pcg, Interesting));
                    break;
                case 4 when bytes.Count > 0: // replace with a structural byte
                    bytes[Math.Min(at, bytes.Count - 1)] = Pick(pcg, Interesting);
                    break;
                case 5: // delete a slice
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + Next(pcg, 16)));
                    break;
                case 6 when bytes.Count > 0: // duplicate a slice
                    var from = Next(pcg, bytes.Count);
                    var len = Math.Min(bytes.Count - from, 1 + Next(pcg, 64));
                    bytes.InsertRange(at, bytes.GetRange(from, len));
                    break;
                case 7: // random bytes
                    for (var i = 1 + Next(pcg, 8); i > 0; i--)
                    {
                        bytes.Insert(at, (byte)Next(pcg, 256));
                    }

                    break;
                default: // a random byte
                    if (bytes.Count > 0)
                    {
                        bytes[Math.Min(at, bytes.Count - 1)] = (byte)Next(pcg, 256);
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>1 to 3 structural changes somewhere in <paramref name="root"/> (changed in place).</summary>
    public static void MutateTree(PCG pcg, JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var count = 1 + Next(pcg, 3);
        for (var m = 0; m < count; m++)
        {
            var nodes = new List<(JsonNode Parent, object Key)>();
            Collect(root, nodes, 0);
            if (nodes.Count == 0)
            {
                if (root is JsonObject empty)
                {
                    empty[OddString(pcg)] = OddValue(pcg, 0);
                }

                continue;
            }

            var (parent, key) = Pick(pcg, nodes);
            var current = Get(parent, key);
            switch (Next(pcg, 8))
            {
                case 0: // remove
                    Remove(parent, key);
                    break;
                case 1 when parent is JsonObject obj: // an unknown or oddly named sibling
                    obj[Chance(pcg, 50) ? OddString(pcg) : key + "x"] = OddValue(pcg, 0);
                    break;
                case 2: // wrong type
                    Set(parent, key, WrongType(pcg, current));
                    break;
                case 3: // deep nesting
                    Set(parent, key, Nest(Next(pcg, 4) == 0 ? 90 + Next(pcg, 30) : 5 + Next(pcg, 20), Chance(pcg, 50)));
                    break;
                case 4 when current is JsonArray array && array.Count > 0: // many copies
                    var item = array[0];
                    for (var i = Chance(pcg, 80) ? 5 : 1_000; i > 0; i--)
                    {
                        array.Add(item?.DeepClone());
                    }

                    break;
                default: // an odd value of the same kind or any kind
                    Set(parent, key, OddValue(pcg, 0));
                    break;
            }
        }
    }

    /// <summary>An odd JSON value: string, number, boolean, null, empty or small container.</summary>
    public static JsonNode? OddValue(PCG pcg, int depth) => Next(pcg, depth > 2 ? 4 : 7) switch
    {
        0 => JsonValue.Create(OddString(pcg)),
        1 => Pick(pcg, OddNumbers)?.DeepClone(),
        2 => JsonValue.Create(Chance(pcg, 50)),
        3 => null,
        4 => new JsonObject { [OddString(pcg)] = OddValue(pcg, depth + 1) },
        5 => new JsonArray(OddValue(pcg, depth + 1), OddValue(pcg, depth + 1)),
        _ => new JsonObject(),
    };

    /// <summary>Nesting <paramref name="depth"/> levels deep.</summary>
    public static JsonNode Nest(int depth, bool arrays)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
        {
            node = arrays ? new JsonArray(node) : new JsonObject { ["a"] = node };
        }

        return node;
    }

    private static JsonNode? WrongType(PCG pcg, JsonNode? current) => current switch
    {
        JsonObject => Chance(pcg, 50) ? new JsonArray() : JsonValue.Create(OddString(pcg)),
        JsonArray => Chance(pcg, 50) ? new JsonObject() : JsonValue.Create(1),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => Chance(pcg, 50) ? JsonValue.Create(1) : new JsonObject(),
        JsonValue => JsonValue.Create(OddString(pcg)),
        _ => new JsonArray(JsonValue.Create("x")),
    };

    private static void Collect(JsonNode node, List<(JsonNode, object)> into, int depth)
    {
        if (depth > 12)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    into.Add((obj, key));
                    if (child is not null)
                    {
                        Collect(child, into, depth + 1);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    into.Add((array, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, into, depth + 1);
                    }
                }

                break;
        }
    }

    private static JsonNode? Get(JsonNode parent, object key) => parent is JsonObject o ? o[(string)key] : ((JsonArray)parent)[(int)key];

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o)
        {
            o[(string)key] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = value;
        }
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (parent is JsonObject o)
        {
            o.Remove((string)key);
        }
        else
        {
            ((JsonArray)parent).RemoveAt((int)key);
        }
    }
}
