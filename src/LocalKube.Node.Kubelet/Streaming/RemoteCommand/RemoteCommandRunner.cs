using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// Runs an exec or attach between the client's channels and the runtime's session: stdin and resizes flow in,
/// output flows out until the process closes it, then the status goes on the error channel and every stream closes.
/// A client that goes away ends the session at once: disposing it kills an exec's process.
/// </summary>
internal static class RemoteCommandRunner
{
    /// <summary>Runs the session that <paramref name="start"/> opens until it ends or the client leaves.</summary>
    /// <param name="channels">The client's streams.</param>
    /// <param name="options">What the client asked for.</param>
    /// <param name="exec">An exec (reports the exit code) rather than an attach.</param>
    /// <param name="start">Opens the runtime session.</param>
    /// <param name="cancellationToken">Ends the session (agent shutdown).</param>
    public static async Task RunAsync(
        RemoteCommandChannels channels, RemoteCommandOptions options, bool exec, Func<CancellationToken, Task<IRuntimeStreamSession>> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(start);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        IRuntimeStreamSession session;
        try
        {
            session = await start(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainerRuntimeException or RuntimeUnavailableException)
        {
            var verb = exec ? "error executing command in container" : "error attaching to container";
            await FinishWithAsync(channels, ExecStatus.InternalError($"{verb}: {e.Message}", channels.StatusIsJson), ct).ConfigureAwait(false);
            return;
        }

        await using (session.ConfigureAwait(false))
        {
            var pumps = new List<Task>();
            if (options.Stdin)
            {
                pumps.Add(PumpStdinAsync(channels, session, ct));
            }

            if (options.Tty)
            {
                pumps.Add(PumpResizesAsync(channels, session, ct));
            }

            var output = PumpOutputAsync(channels, session, ct);
            var finished = await Task.WhenAny(output, channels.ClientGone).ConfigureAwait(false);
            if (finished != output)
            {
                // The client left: stop everything; disposing the session ends the process.
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll([output, .. pumps]).ConfigureAwait(false);
                return;
            }

            byte[] status;
            try
            {
                var exitCode = exec ? await session.WaitForExitAsync(ct).ConfigureAwait(false) : null;
                status = exitCode is { } code and not 0
                    ? ExecStatus.NonZeroExit(options.Command, code, channels.StatusIsJson)
                    : ExecStatus.Success(channels.StatusIsJson);
            }
            catch (Exception e) when (e is ContainerRuntimeException or RuntimeUnavailableException)
            {
                status = ExecStatus.InternalError($"error executing command in container: {e.Message}", channels.StatusIsJson);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FinishWithAsync(channels, status, ct).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pumps).ConfigureAwait(false);
        }
    }

    private static async Task FinishWithAsync(RemoteCommandChannels channels, byte[] status, CancellationToken ct)
    {
        try
        {
            if (status.Length > 0)
            {
                await channels.WriteErrorAsync(status, ct).ConfigureAwait(false);
            }

            await channels.FinishAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    private static async Task PumpOutputAsync(RemoteCommandChannels channels, IRuntimeStreamSession session, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var chunk = await session.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (chunk.EndOfStream)
                {
                    return;
                }

                if (chunk.Count > 0)
                {
                    await channels.WriteOutputAsync(chunk.Stream, buffer.AsMemory(0, chunk.Count), ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The process's output or the client's connection ended.
        }
    }

    private static async Task PumpStdinAsync(RemoteCommandChannels channels, IRuntimeStreamSession session, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var n = await channels.ReadStdinAsync(buffer, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    session.CloseStdin();
                    return;
                }

                await session.WriteStdinAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The process stopped reading, or the client left.
        }
    }

    private static async Task PumpResizesAsync(RemoteCommandChannels channels, IRuntimeStreamSession session, CancellationToken ct)
    {
        try
        {
            while (await channels.ReadResizeAsync(ct).ConfigureAwait(false) is { } size)
            {
                try
                {
                    await session.ResizeAsync(size, ct).ConfigureAwait(false);
                }
                catch (ContainerRuntimeException)
                {
                    // A resize racing the process's exit.
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client left.
        }
    }
}
