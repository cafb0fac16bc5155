using System.Runtime.CompilerServices;
using System.Text;

namespace LocalKube.Drivers.Process;

/// <summary>Tails and follows the agent's log file on the host.</summary>
internal sealed class AgentLogReader(TimeProvider timeProvider, TimeSpan pollInterval)
{
    /// <summary>
    /// The last <paramref name="tailLines"/> complete lines (all when negative), then, when following, every complete
    /// line appended later, until cancelled. A missing file reads as empty (the agent has not logged yet).
    /// </summary>
    /// <remarks>
    /// Following polls instead of using a FileSystemWatcher: inotify misses writes from other mount namespaces and
    /// runs out of watches on busy hosts, and a poll every few hundred milliseconds costs nothing here.
    /// </remarks>
    public async IAsyncEnumerable<string> ReadAsync(
        string path, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tail = new LogTail(path);
        var existing = tail.ReadNewLines();
        var skip = tailLines < 0 ? 0 : Math.Max(0, existing.Count - tailLines);
        foreach (var line in existing.Skip(skip))
        {
            yield return line;
        }

        if (!follow)
        {
            yield break;
        }

        using var timer = new PeriodicTimer(pollInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var line in tail.ReadNewLines())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return line;
            }
        }
    }

    /// <summary>A read position in a growing file; only whole lines are returned, a partial last line waits.</summary>
    private sealed class LogTail(string path)
    {
        private long _offset;

        public List<string> ReadNewLines()
        {
            var lines = new List<string>();
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                _offset = 0;
                return lines;
            }

            using (stream)
            {
                if (stream.Length < _offset)
                {
                    _offset = 0; // truncated or replaced: start over
                }

                stream.Seek(_offset, SeekOrigin.Begin);
                var bytes = new byte[stream.Length - _offset];
                var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                var start = 0;
                for (var i = 0; i < read; i++)
                {
                    if (bytes[i] == (byte)'\n')
                    {
                        lines.Add(Encoding.UTF8.GetString(bytes, start, i - start).TrimEnd('\r'));
                        start = i + 1;
                    }
                }

                _offset += start;
            }

            return lines;
        }
    }
}
