using System.IO.Compression;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Tests.Protobuf.Schema;

/// <summary>
/// The protobuf file descriptors a kubectl binary registers, read straight out of the executable: Kubernetes' API
/// types register their <c>generated.proto</c> as gzipped FileDescriptorProtos (gogo), gnostic's OpenAPI models as
/// raw ones (protobuf-go). These are upstream's own wire facts, byte for byte, with no Go toolchain involved.
/// </summary>
internal static class KubectlDescriptors
{
    // A Go gzip header: magic, deflate, no flags, zero mtime (compress/gzip writes exactly this).
    private static readonly byte[] GzipHeader = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>The kubectl whose descriptors define our schemas: the one matching the /version we report.</summary>
    public static string? FindKubectl132()
    {
        if (Environment.GetEnvironmentVariable("LOCALKUBE_KUBECTL_1_32") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var kubectl = Path.Combine(dir, "kubectl");
            if (!File.Exists(kubectl))
            {
                continue;
            }

            // The Google Cloud CLI dispatcher sits next to its versioned binaries (kubectl.1.27 … kubectl.1.33).
            var real = new FileInfo(kubectl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? kubectl;
            var candidate = Path.Combine(Path.GetDirectoryName(real)!, "kubectl.1.32");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Every <c>k8s.io/…</c> and <c>openapiv2/…</c> file descriptor in <paramref name="binary"/>, by file name.</summary>
    public static Dictionary<string, FileDescriptorProto> Read(string binary)
    {
        var data = File.ReadAllBytes(binary);
        var files = new Dictionary<string, FileDescriptorProto>(StringComparer.Ordinal);
        foreach (var file in GzippedDescriptors(data).Concat(RawDescriptors(data, "openapiv2/OpenAPIv2.proto")))
        {
            if (file.Name.StartsWith("k8s.io/", StringComparison.Ordinal) || file.Name.StartsWith("openapiv2/", StringComparison.Ordinal))
            {
                files.TryAdd(file.Name, file);
            }
        }

        return files;
    }

    private static IEnumerable<FileDescriptorProto> GzippedDescriptors(byte[] data)
    {
        for (var at = data.AsSpan().IndexOf(GzipHeader); at >= 0;)
        {
            if (TryInflate(data, at) is { } inflated && inflated.Length > 2 && inflated[0] == 0x0a && TryParse(inflated) is { } file)
            {
                yield return file;
            }

            var next = data.AsSpan(at + 1).IndexOf(GzipHeader);
            at = next < 0 ? -1 : at + 1 + next;
        }
    }

    // A raw FileDescriptorProto starts with its name (field 1) and is followed by unrelated data: take the longest run
    // of well-formed FileDescriptorProto fields.
    private static IEnumerable<FileDescriptorProto> RawDescriptors(byte[] data, string name)
    {
        var needle = new byte[2 + name.Length];
        needle[0] = 0x0a;
        needle[1] = (byte)name.Length;
        System.Text.Encoding.ASCII.GetBytes(name, needle.AsSpan(2));
        var at = data.AsSpan().IndexOf(needle);
        if (at < 0)
        {
            yield break;
        }

        var end = DescriptorEnd(data, at);
        if (TryParse(data.AsSpan(at, end - at).ToArray()) is { } file)
        {
            yield return file;
        }
    }

    private static int DescriptorEnd(byte[] data, int start)
    {
        // FileDescriptorProto fields and their wire types (2 = length-delimited, 0 = varint).
        var wireTypes = new Dictionary<int, int> { [1] = 2, [2] = 2, [3] = 2, [4] = 2, [5] = 2, [6] = 2, [7] = 2, [8] = 2, [9] = 2, [10] = 0, [11] = 0, [12] = 2, [14] = 0 };
        var position = start;
        while (position < data.Length)
        {
            var at = position;
            if (!TryVarint(data, ref at, out var tag) || tag == 0 || !wireTypes.TryGetValue((int)(tag >> 3), out var wire) || wire != (int)(tag & 7))
            {
                break;
            }

            if (!TryVarint(data, ref at, out var value))
            {
                break;
            }

            if (wire == 2)
            {
                if (value > (ulong)(data.Length - at))
                {
                    break;
                }

                at += (int)value;
            }

            position = at;
        }

        return position;
    }

    private static bool TryVarint(byte[] data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[]? TryInflate(byte[] data, int at)
    {
        try
        {
            // Skip the fixed 10-byte header; the deflate stream ends by itself.
            using var source = new MemoryStream(data, at + 10, data.Length - at - 10);
            using var deflate = new DeflateStream(source, CompressionMode.Decompress);
            using var output = new MemoryStream();
            deflate.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static FileDescriptorProto? TryParse(byte[] bytes)
    {
        try
        {
            var file = FileDescriptorProto.Parser.ParseFrom(bytes);
            return file.Name.EndsWith(".proto", StringComparison.Ordinal) ? file : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
