using System.Threading.Channels;

namespace LocalKube.Node.Kubelet.Runtime.Simulated;

/// <summary>
/// An exec or attach to a simulated container: behaves as <c>cat</c>, echoing stdin to stdout until stdin closes
/// (at once without stdin), then ends with <paramref name="exitCode"/>. An attach (null code) without stdin stays
/// open until the client leaves, as an attach to a running container does.
/// </summary>
internal sealed class SimulatedStreamSession(int? exitCode, bool stdin) : IRuntimeStreamSession
{
    private readonly Channel<byte[]> _echo = Channel.CreateUnbounded<byte[]>();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _pending;
    private int _offset;
    private bool _started;

    public async ValueTask<StreamChunk> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            if (!stdin && exitCode is not null)
            {
                End();
            }
        }

        if (_pending is null || _offset == _pending.Length)
        {
            if (!await _echo.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new StreamChunk(0, OutputStream.Stdout, true);
            }

            _pending = await _echo.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return new StreamChunk(count, OutputStream.Stdout, false);
    }

    public ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _echo.Writer.TryWrite(data.ToArray());
        return ValueTask.CompletedTask;
    }

    public void CloseStdin()
    {
        if (exitCode is not null)
        {
            End();
        }
    }

    public Task ResizeAsync(TerminalSize size, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }

    private void End()
    {
        _echo.Writer.TryComplete();
        _ended.TrySetResult();
    }
}
