using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Vm.GuestAgent;

/// <summary>
/// A client of the QEMU guest agent (<c>qemu-ga</c>) protocol: JSON commands, one per line, over a byte stream the
/// hypervisor connects to the guest (a virtio-serial port under QEMU, a COM port under Hyper-V, a vsock under
/// hyperkit). The channel serves one client at a time, so each operation (one command, an exec with its status polls,
/// a file copy) opens its own connection and closes it at the end: a long follow of the agent log never blocks
/// another command, in this process or another. Every connection is resynchronised with <c>guest-sync-delimited</c>
/// first, so a reply left over from an interrupted client is never mistaken for ours.
/// </summary>
public sealed class GuestAgentClient : IGuestShell, IAsyncDisposable
{
    // qemu-ga's own limit for guest-file-write is far larger; 256 KiB keeps each message small on a slow guest.
    private const int WriteChunk = 256 * 1024;
    private const byte Delimiter = 0xFF;

    private readonly Func<CancellationToken, Task<Stream>> _connect;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream? _stream;
    private int _start;
    private int _end;
    private long _nextId = Random.Shared.NextInt64(1, int.MaxValue);

    /// <summary>Creates a client that opens its stream with <paramref name="connect"/> when first needed.</summary>
    public GuestAgentClient(Func<CancellationToken, Task<Stream>> connect, TimeProvider? timeProvider = null)
    {
        _connect = connect;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A connector for a Unix domain socket (QEMU's chardev, hyperkit's vsock forward).</summary>
    public static Func<CancellationToken, Task<Stream>> UnixSocket(string path) => async cancellationToken =>
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Succeeds when the guest agent answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken) =>
        await CallAsync("guest-ping", null, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends one command and returns its <c>return</c> value.</summary>
    /// <exception cref="GuestAgentException">The guest agent answered with an error.</exception>
    /// <exception cref="LocalKubeException"><see cref="Reasons.GuestProvision"/> when the channel fails.</exception>
    public Task<JsonElement> CallAsync(string command, Action<Utf8JsonWriter>? arguments, CancellationToken cancellationToken) =>
        OperationAsync(() => SendCommandAsync(command, arguments, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<GuestExecResult> ExecAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        OperationAsync(() => ExecCoreAsync(path, arguments, cancellationToken), cancellationToken);

    private async Task<GuestExecResult> ExecCoreAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var started = await SendCommandAsync("guest-exec", w =>
        {
            w.WriteString("path", path);
            w.WriteStartArray("arg");
            foreach (var argument in arguments)
            {
                w.WriteStringValue(argument);
            }

            w.WriteEndArray();
            w.WriteBoolean("capture-output", true);
        }, cancellationToken).ConfigureAwait(false);
        var pid = started.GetProperty("pid").GetInt64();

        // Poll quickly at first (most commands end in milliseconds), then back off.
        var delay = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var status = await SendCommandAsync("guest-exec-status", w => w.WriteNumber("pid", pid), cancellationToken).ConfigureAwait(false);
            if (status.GetProperty("exited").GetBoolean())
            {
                var exitCode = status.TryGetProperty("exitcode", out var code) ? code.GetInt32()
                    : status.TryGetProperty("signal", out var signal) ? 128 + signal.GetInt32() : -1;
                return new GuestExecResult(exitCode, Data(status, "out-data"), Data(status, "err-data"));
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(100, delay.TotalMilliseconds * 2));
        }
    }

    /// <inheritdoc />
    public async Task WriteFileAsync(string guestPath, Stream content, CancellationToken cancellationToken) =>
        await OperationAsync(async () =>
        {
            await WriteFileCoreAsync(guestPath, content, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private async Task WriteFileCoreAsync(string guestPath, Stream content, CancellationToken cancellationToken)
    {
        var handle = (await SendCommandAsync("guest-file-open", w =>
        {
            w.WriteString("path", guestPath);
            w.WriteString("mode", "w");
        }, cancellationToken).ConfigureAwait(false)).GetInt64();
        try
        {
            var chunk = ArrayPool<byte>.Shared.Rent(WriteChunk);
            try
            {
                int read;
                while ((read = await content.ReadAsync(chunk.AsMemory(0, WriteChunk), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    var base64 = Convert.ToBase64String(chunk, 0, read);
                    await SendCommandAsync("guest-file-write", w =>
                    {
                        w.WriteNumber("handle", handle);
                        w.WriteString("buf-b64", base64);
                    }, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        finally
        {
            // Close even when the copy failed, so the guest does not keep the handle; a cancelled caller still closes.
            using var close = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await SendCommandAsync("guest-file-close", w => w.WriteNumber("handle", handle), close.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GuestAgentException or OperationCanceledException or IOException or SocketException or JsonException)
            {
                // The guest is gone or busy: nothing more to do here.
            }
        }
    }

    // One operation on its own connection: opened (and synchronised) first, closed at the end, whatever happens.
    private async Task<T> OperationAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or JsonException)
        {
            throw new LocalKubeException(Reasons.GuestProvision, $"The node VM's guest agent channel failed: {e.Message}", e);
        }
        finally
        {
            await DropAsync().ConfigureAwait(false);
            _gate.Release();
        }
    }

    private async Task<JsonElement> SendCommandAsync(string command, Action<Utf8JsonWriter>? arguments, CancellationToken cancellationToken)
    {
        var stream = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await SendAsync(stream, command, arguments, cancellationToken).ConfigureAwait(false);
        using var reply = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
        return Unwrap(command, reply.RootElement);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DropAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static JsonElement Unwrap(string command, JsonElement reply)
    {
        if (reply.TryGetProperty("error", out var error))
        {
            var kind = error.TryGetProperty("class", out var c) ? c.GetString() : null;
            var description = error.TryGetProperty("desc", out var d) ? d.GetString() : error.GetRawText();
            throw new GuestAgentException(command, kind ?? "GenericError", description ?? "");
        }

        return reply.TryGetProperty("return", out var value)
            ? value.Clone()
            : throw new JsonException($"The guest agent's reply to {command} has neither 'return' nor 'error': {reply.GetRawText()}");
    }

    private static byte[] Data(JsonElement status, string name) =>
        status.TryGetProperty(name, out var data) && data.GetString() is { Length: > 0 } text ? Convert.FromBase64String(text) : [];

    private async Task<Stream> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_stream is not null)
        {
            return _stream;
        }

        var stream = await _connect(cancellationToken).ConfigureAwait(false);
        _stream = stream;
        _start = _end = 0;

        // 0xFF resets qemu-ga's parser; the reply to guest-sync-delimited is preceded by 0xFF, so anything before it
        // (a stale reply to an earlier client) is skipped.
        var id = Interlocked.Increment(ref _nextId);
        await stream.WriteAsync(new[] { Delimiter }, cancellationToken).ConfigureAwait(false);
        await SendAsync(stream, "guest-sync-delimited", w => w.WriteNumber("id", id), cancellationToken).ConfigureAwait(false);
        await SkipToDelimiterAsync(stream, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            using var reply = await ReadMessageAsync(stream, cancellationToken).ConfigureAwait(false);
            if (reply.RootElement.TryGetProperty("return", out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt64() == id)
            {
                return stream;
            }
        }
    }

    private static async Task SendAsync(Stream stream, string command, Action<Utf8JsonWriter>? arguments, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("execute", command);
            if (arguments is not null)
            {
                writer.WriteStartObject("arguments");
                arguments(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SkipToDelimiterAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = Array.IndexOf(_buffer, Delimiter, _start, _end - _start);
            if (index >= 0)
            {
                _start = index + 1;
                return;
            }

            _start = _end = 0;
            await FillAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    // One reply: the bytes up to the next newline (qemu-ga ends every reply with one).
    private async Task<JsonDocument> ReadMessageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var take = (newline >= 0 ? newline : _end) - _start;
            message.Write(_buffer.AsSpan(_start, take));
            if (newline >= 0)
            {
                _start = newline + 1;
                var text = message.WrittenSpan.Trim((byte)' ').Trim((byte)'\r');
                if (text.IsEmpty)
                {
                    message.Clear();
                    continue;
                }

                return JsonDocument.Parse(text.ToArray());
            }

            _start = _end = 0;
            await FillAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("The guest agent channel was closed.");
        }

        _end += read;
    }

    private async Task DropAsync()
    {
        if (_stream is { } stream)
        {
            _stream = null;
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
