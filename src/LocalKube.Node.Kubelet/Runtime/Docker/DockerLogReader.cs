using System.Globalization;
using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// Reads a container's json-file log through the engine (<c>GET /containers/{id}/logs</c> with timestamps) and
/// splits it into records: each line starts with Docker's RFC 3339 nano timestamp and a space.
/// </summary>
internal static class DockerLogReader
{
    public static async IAsyncEnumerable<LogRecord> ReadAsync(
        DockerApi api, string containerId, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inspect = await api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(containerId, ct), cancellationToken).ConfigureAwait(false);
        var tty = inspect.Config?.Tty == true;
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Follow = options.Follow,
            Tail = options.TailLines is { } n ? Math.Max(0, n).ToString(CultureInfo.InvariantCulture) : "all",
            Since = options.Since is { } since ? UnixSeconds(since) : null,
        };
        using var stream = await api.CallOnceAsync((c, ct) => c.Containers.GetContainerLogsAsync(containerId, tty, parameters, ct), cancellationToken)
            .ConfigureAwait(false);
        var buffer = new byte[32 * 1024];
        var pending = new Dictionary<OutputStream, MemoryStream>();
        while (true)
        {
            MultiplexedStream.ReadResult read;
            try
            {
                read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // The engine closed the connection (container removed, engine restarting): the log ends here.
                break;
            }

            if (read.EOF)
            {
                break;
            }

            var target = read.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout;
            if (!pending.TryGetValue(target, out var line))
            {
                pending[target] = line = new MemoryStream();
            }

            var start = 0;
            for (var i = 0; i < read.Count; i++)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(buffer, start, i - start + 1);
                start = i + 1;
                if (Parse(line.ToArray(), target) is { } record)
                {
                    yield return record;
                }

                line.SetLength(0);
            }

            line.Write(buffer, start, read.Count - start);
        }

        foreach (var (target, rest) in pending)
        {
            if (rest.Length > 0 && Parse(rest.ToArray(), target) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>Splits <c>TIMESTAMP SP TEXT</c>; null when the line has no timestamp (never, from Docker).</summary>
    internal static LogRecord? Parse(byte[] raw, OutputStream stream)
    {
        var space = Array.IndexOf(raw, (byte)' ');
        if (space <= 0)
        {
            return null;
        }

        var timeText = System.Text.Encoding.ASCII.GetString(raw, 0, space);
        if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return null;
        }

        return new LogRecord(time, timeText, stream, raw.AsMemory(space + 1));
    }

    private static string UnixSeconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var nanos = ticks % TimeSpan.TicksPerSecond * 100;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{nanos:D9}");
    }
}
