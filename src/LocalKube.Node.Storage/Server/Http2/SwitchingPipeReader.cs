using System.IO.Pipelines;

namespace LocalKube.Node.Storage.Server.Http2;

/// <summary>
/// The connection input Kestrel reads through <see cref="AuthorityRewriter"/>. While the rewriter still inspects
/// (or rewrites) frames, Kestrel reads the rewriter's output; once the rewriter has decided a connection needs no
/// repair, Kestrel drains what was already staged and then reads the socket's pipe directly, with no copy.
/// </summary>
internal sealed class SwitchingPipeReader : PipeReader
{
    private readonly PipeReader _original;
    private readonly Pipe _staged = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private volatile bool _handOver;
    private bool _direct;

    public SwitchingPipeReader(PipeReader original, Func<PipeReader, PipeWriter, Action, CancellationToken, Task> pump)
    {
        _original = original;
        _pump = pump(original, _staged.Writer, () => _handOver = true, _stop.Token);
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_direct)
        {
            return await _original.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var result = await _staged.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsCompleted || !_handOver)
        {
            return result;
        }

        if (!result.Buffer.IsEmpty)
        {
            // The stage is closed only because the rest comes straight from the socket: not the end of the stream.
            return new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false);
        }

        await _staged.Reader.CompleteAsync().ConfigureAwait(false);
        _direct = true;
        return await _original.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_direct)
        {
            return _original.TryRead(out result);
        }

        if (!_staged.Reader.TryRead(out result))
        {
            return false;
        }

        if (result.IsCompleted && _handOver)
        {
            if (result.Buffer.IsEmpty)
            {
                // Let the next ReadAsync make the switch.
                _staged.Reader.AdvanceTo(result.Buffer.Start);
                return false;
            }

            result = new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false);
        }

        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_direct)
        {
            _original.AdvanceTo(consumed, examined);
        }
        else
        {
            _staged.Reader.AdvanceTo(consumed, examined);
        }
    }

    public override void CancelPendingRead()
    {
        if (_direct)
        {
            _original.CancelPendingRead();
        }
        else
        {
            _staged.Reader.CancelPendingRead();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_direct)
        {
            _original.Complete(exception);
        }
        else
        {
            _staged.Reader.Complete(exception);
        }
    }

    /// <summary>Stops the rewriter (if still running) and waits for it; called when the connection ends.</summary>
    public async Task StopAsync()
    {
        if (!_handOver)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _original.CancelPendingRead();
        }

        await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
