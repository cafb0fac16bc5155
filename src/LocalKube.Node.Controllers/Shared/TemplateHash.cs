using System.Text;
using k8s;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// Upstream's <c>controller.ComputeHash</c> in spirit: FNV-32a over a deterministic encoding of a template plus the
/// collision count, written in decimal and passed through <c>rand.SafeEncodeString</c>. Go hashes its deep-print of
/// the struct, which is not reproducible here; any deterministic encoding gives names of the same shape
/// (≤ 10 characters of <c>bcdfghjklmnpqrstvwxz2456789</c>), which is what clients see.
/// </summary>
public static class TemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash of <paramref name="template"/> (any model) and an optional collision count.</summary>
    public static string Compute(object template, int? collisionCount)
    {
        ArgumentNullException.ThrowIfNull(template);
        var bytes = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template));
        var hash = Fnv32a(2166136261u, bytes);
        if (collisionCount is { } count)
        {
            // Go writes the int32 little-endian into the hasher.
            Span<byte> buffer = stackalloc byte[4];
            BitConverter.TryWriteBytes(buffer, count);
            if (!BitConverter.IsLittleEndian)
            {
                buffer.Reverse();
            }

            hash = Fnv32a(hash, buffer);
        }

        return SafeEncode(hash.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary><c>rand.SafeEncodeString</c>: each byte mapped through the alphabet by <c>byte % 27</c>.</summary>
    public static string SafeEncode(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            chars[i] = Alphabet[(byte)s[i] % Alphabet.Length];
        }

        return new string(chars);
    }

    private static uint Fnv32a(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }
}
