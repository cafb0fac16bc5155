using Docker.DotNet;
using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// An exec or attach over Docker's hijacked connection. For an exec, disposing it while the process still runs
/// kills the process (the client went away), so no exec instance outlives its stream.
/// </summary>
internal sealed class DockerStreamSession : IRuntimeStreamSession
{
    private readonly DockerApi _api;
    private readonly MultiplexedStream _stream;
    private readonly string? _execId;
    private readonly string _containerId;
    private readonly bool _tty;

    // Set once an inspect saw the exec finished: disposing then has nothing left to kill, and needs no inspect.
    private bool _exited;

    public DockerStreamSession(DockerApi api, MultiplexedStream stream, string containerId, string? execId, bool tty)
    {
        _api = api;
        _stream = stream;
        _containerId = containerId;
        _execId = execId;
        _tty = tty;
    }

    public async ValueTask<StreamChunk> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var array = System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(buffer, out var segment)
            ? segment
            : new ArraySegment<byte>(new byte[buffer.Length]);
        var result = await _stream.ReadOutputAsync(array.Array!, array.Offset, array.Count, cancellationToken).ConfigureAwait(false);
        if (result.EOF)
        {
            return new StreamChunk(0, OutputStream.Stdout, true);
        }

        if (array.Array != segment.Array)
        {
            array.AsMemory(0, result.Count).CopyTo(buffer);
        }

        return new StreamChunk(result.Count, result.Target == MultiplexedStream.TargetStream.StandardError ? OutputStream.Stderr : OutputStream.Stdout, false);
    }

    public async ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var bytes = data.ToArray();
        await _stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
    }

    public void CloseStdin() => _stream.CloseWrite();

    public Task ResizeAsync(TerminalSize size, CancellationToken cancellationToken)
    {
        if (!_tty)
        {
            return Task.CompletedTask;
        }

        var parameters = new ContainerResizeParameters { Width = size.Width, Height = size.Height };
        return _execId is not null
            ? _api.CallAsync((c, ct) => c.Exec.ResizeContainerExecTtyAsync(_execId, parameters, ct), cancellationToken)
            : _api.CallAsync((c, ct) => c.Containers.ResizeContainerTtyAsync(_containerId, parameters, ct), cancellationToken);
    }

    public async Task<int?> WaitForExitAsync(CancellationToken cancellationToken)
    {
        if (_execId is null)
        {
            return null;
        }

        // The output ends a moment before Docker records the exit code.
        while (true)
        {
            var inspect = await _api.CallAsync((c, ct) => c.Exec.InspectContainerExecAsync(_execId, ct), cancellationToken).ConfigureAwait(false);
            if (!inspect.Running)
            {
                _exited = true;
                return (int)inspect.ExitCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stream.Dispose();
        if (_execId is null || _exited)
        {
            return;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var inspect = await _api.CallAsync((c, ct) => c.Exec.InspectContainerExecAsync(_execId, ct), cts.Token).ConfigureAwait(false);
            if (inspect.Running && inspect.Pid > 1)
            {
                // The agent shares the engine's PID namespace (both run in the node), so the exec's pid is ours to kill.
                Native.LibC.Kill((int)inspect.Pid);
            }
        }
        catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
        {
            // The engine or the container is gone, and the process with it.
        }
    }
}
