using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

public sealed partial class DockerRuntime
{
    // Upstream's exec prober keeps at most 10 KiB of output (k8s: pkg/probe/exec).
    private const int MaxExecOutput = 10 * 1024;

    /// <inheritdoc />
    public async Task<ExecSyncResult> ExecSyncAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exec = await _api.CallAsync((c, ct) => c.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            AttachStdout = true,
            AttachStderr = true,
        }, ct), cancellationToken).ConfigureAwait(false);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero)
        {
            deadline.CancelAfter(timeout);
        }

        var stdout = new CappedBuffer(MaxExecOutput);
        var stderr = new CappedBuffer(MaxExecOutput);
        try
        {
            using var stream = await _api.CallOnceAsync((c, ct) => c.Exec.StartAndAttachContainerExecAsync(exec.ID, false, ct), deadline.Token)
                .ConfigureAwait(false);
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, deadline.Token).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Append(buffer.AsSpan(0, read.Count));
            }

            await using var session = new DockerStreamSession(_api, stream, containerId, exec.ID, tty: false);
            var exitCode = await session.WaitForExitAsync(deadline.Token).ConfigureAwait(false) ?? -1;
            return new ExecSyncResult(exitCode, stdout.ToString(), stderr.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillExecAsync(exec.ID).ConfigureAwait(false);
            return new ExecSyncResult(-1, stdout.ToString(), stderr.ToString(), TimedOut: true);
        }
    }

    /// <inheritdoc />
    public async Task<IRuntimeStreamSession> ExecAsync(string containerId, ExecOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exec = await _api.CallAsync((c, ct) => c.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = options.Command.ToList(),
            AttachStdin = options.Stdin,
            AttachStdout = options.Stdout,
            AttachStderr = options.Stderr && !options.Tty,
            Tty = options.Tty,
        }, ct), cancellationToken).ConfigureAwait(false);
        var stream = await _api.CallOnceAsync((c, ct) => c.Exec.StartAndAttachContainerExecAsync(exec.ID, options.Tty, ct), cancellationToken)
            .ConfigureAwait(false);
        var session = new DockerStreamSession(_api, stream, containerId, exec.ID, options.Tty);
        if (options.Tty && options.InitialSize is { } size)
        {
            await session.ResizeAsync(size, cancellationToken).ConfigureAwait(false);
        }

        return session;
    }

    /// <inheritdoc />
    public async Task<IRuntimeStreamSession> AttachAsync(string containerId, AttachOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stream = await _api.CallOnceAsync((c, ct) => c.Containers.AttachContainerAsync(containerId, options.Tty, new ContainerAttachParameters
        {
            Stream = true,
            Stdin = options.Stdin,
            Stdout = options.Stdout,
            Stderr = options.Stderr,
        }, ct), cancellationToken).ConfigureAwait(false);
        return new DockerStreamSession(_api, stream, containerId, execId: null, options.Tty);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<LogRecord> ReadLogsAsync(string containerId, LogOptions options, CancellationToken cancellationToken) =>
        DockerLogReader.ReadAsync(_api, containerId, options ?? new LogOptions(), cancellationToken);

    /// <inheritdoc />
    public async Task<Stream> DialPodPortAsync(string sandboxId, int port, CancellationToken cancellationToken)
    {
        var inspect = await _api.CallAsync((c, ct) => c.Containers.InspectContainerAsync(sandboxId, ct), cancellationToken).ConfigureAwait(false);
        if (inspect.State?.Running != true || inspect.State.Pid <= 0)
        {
            throw new ContainerRuntimeException($"the pod sandbox {sandboxId} is not running");
        }

        Socket socket;
        try
        {
            socket = await NetworkNamespaceDialer.ConnectAsync(inspect.State.Pid, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ContainerRuntimeException(
                $"failed to connect to localhost:{port} inside namespace \"{sandboxId}\", IPv4: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ContainerRuntimeException(e.Message, e);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RuntimeEvent> WatchEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<RuntimeEvent>(new() { SingleReader = true });
        var parameters = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["label"] = new Dictionary<string, bool> { [DockerLabelKeys.Type] = true },

                // Only the actions EventProgress maps: every exec (each exec probe) would otherwise send three events
                // (exec_create, exec_start, exec_die) carrying all the container's labels, for the agent to parse and drop.
                ["event"] = new Dictionary<string, bool> { ["create"] = true, ["start"] = true, ["die"] = true, ["oom"] = true, ["destroy"] = true },
            },
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitor = Task.Run(async () =>
        {
            try
            {
                await _api.CallOnceAsync(async (c, ct) =>
                {
                    await c.System.MonitorEventsAsync(parameters, new EventProgress(channel.Writer), ct).ConfigureAwait(false);
                    return true;
                }, stop.Token).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(stop.IsCancellationRequested ? null : e);
            }
        }, CancellationToken.None);

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
        }
    }

    private async Task KillExecAsync(string execId)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var inspect = await _api.CallAsync((c, ct) => c.Exec.InspectContainerExecAsync(execId, ct), cts.Token).ConfigureAwait(false);
            if (inspect.Running && inspect.Pid > 1)
            {
                Native.LibC.Kill((int)inspect.Pid);
            }
        }
        catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
        {
            // Gone with its container.
        }
    }

    private sealed class EventProgress(System.Threading.Channels.ChannelWriter<RuntimeEvent> writer) : IProgress<Message>
    {
        public void Report(Message value)
        {
            var kind = value.Action switch
            {
                "create" => RuntimeEventKind.Created,
                "start" => RuntimeEventKind.Started,
                "die" => RuntimeEventKind.Died,
                "oom" => RuntimeEventKind.OutOfMemory,
                "destroy" => RuntimeEventKind.Removed,
                _ => (RuntimeEventKind?)null,
            };
            if (kind is { } k)
            {
                var uid = value.Actor?.Attributes?.Get(KubernetesLabels.PodUid) ?? "";
                writer.TryWrite(new RuntimeEvent(value.Actor?.ID ?? value.ID, uid, k));
            }
        }
    }

    /// <summary>Keeps the first <c>max</c> bytes and counts the rest.</summary>
    private sealed class CappedBuffer(int max)
    {
        private readonly MemoryStream _bytes = new();

        public void Append(ReadOnlySpan<byte> data)
        {
            var room = max - (int)_bytes.Length;
            if (room > 0)
            {
                _bytes.Write(data[..Math.Min(room, data.Length)]);
            }
        }

        public override string ToString() => Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
    }
}
