using System.Runtime.CompilerServices;
using System.Text;

namespace LocalKube.Testing;

/// <summary>File helpers of <see cref="FakeDriver"/>: certificate files and tailing the agent log.</summary>
internal static class FakeFiles
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Writes the agent's files with the modes the contract promises: folder 0700, keys 0600.</summary>
    public static void WriteCertificates(string folder, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, content);
            if (!OperatingSystem.IsWindows())
            {
                var mode = name.EndsWith(".key", StringComparison.Ordinal)
                    ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                File.SetUnixFileMode(path, mode);
            }
        }
    }

    /// <summary>
    /// The last <paramref name="tailLines"/> complete lines (all when negative), then, when following, each new complete
    /// line as it is appended, until cancelled. Polls: the fake has no process to wait on.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadLinesAsync(
        string path, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long offset = 0;
        var existing = ReadCompleteLines(path, ref offset);
        var skip = tailLines < 0 ? 0 : Math.Max(0, existing.Count - tailLines);
        foreach (var line in existing.Skip(skip))
        {
            yield return line;
        }

        while (follow)
        {
            await Task.Delay(PollInterval, cancellationToken);
            foreach (var line in ReadCompleteLines(path, ref offset))
            {
                yield return line;
            }
        }
    }

    // Reads whole lines from offset and advances it past the last newline; a partial last line waits for the next poll.
    private static List<string> ReadCompleteLines(string path, ref long offset)
    {
        var lines = new List<string>();
        if (!File.Exists(path))
        {
            return lines;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < offset)
        {
            offset = 0; // truncated or replaced: start over
        }

        stream.Seek(offset, SeekOrigin.Begin);
        var bytes = new byte[stream.Length - offset];
        stream.ReadExactly(bytes);
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(Encoding.UTF8.GetString(bytes, start, i - start).TrimEnd('\r'));
                start = i + 1;
            }
        }

        offset += start;
        return lines;
    }
}
