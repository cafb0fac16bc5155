using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting.Logging;

/// <summary>
/// Appends one JSON object per line to the agent log. Logging is synchronous by contract (<see cref="ILogger.Log"/>),
/// so this writes synchronously under a lock: no sync-over-async, no background queue to lose on a crash, and each
/// line reaches the OS before <c>Log</c> returns.
/// </summary>
internal sealed class JsonLineWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable messages for `localkube logs` and humans; the file is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Lock _lock = new();
    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private bool _disposed;

    public JsonLineWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    public void Write(DateTimeOffset time, LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            Render(_json, time, level, category, eventId, message, exception);
            _json.Flush();
            _buffer.Write("\n"u8);
            try
            {
                _stream.Write(_buffer.WrittenSpan);
            }
            catch (IOException)
            {
                // A full disk must not crash the agent through its logger.
            }
        }
    }

    /// <summary>Writes one entry in the docs/design.md shape, field order included.</summary>
    internal static void Render(Utf8JsonWriter json, DateTimeOffset time, LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        json.WriteStartObject();
        json.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("level", LevelName(level));
        json.WriteString("category", category);
        json.WriteNumber("eventId", eventId.Id);
        json.WriteString("message", message);
        if (exception is null)
        {
            json.WriteNull("exception");
        }
        else
        {
            json.WriteString("exception", exception.ToString());
        }

        json.WriteEndObject();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _json.Dispose();
            _stream.Dispose();
        }
    }

    // Enum.ToString allocates and goes through reflection; the set is fixed.
    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
