using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Streaming.Spdy;

namespace LocalKube.Node.Kubelet.Streaming.PortForward;

/// <summary>
/// Port-forward over SPDY (<c>portforward.k8s.io</c>, plain or tunnelled in a WebSocket): for every local connection
/// the client opens an <c>error</c> and a <c>data</c> stream with the same <c>requestID</c> and the pod <c>port</c>.
/// Each pair gets its own connection into the pod's network namespace; a failure is written as text on the pair's
/// error stream. Both streams end with a FIN when the pod side closes.
/// </summary>
internal static class SpdyPortForwarder
{
    /// <summary>How long the second stream of a pair may take (upstream's stream creation timeout).</summary>
    public static TimeSpan PairTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Serves <paramref name="transport"/> until the client closes it; every forwarded connection ends with it.</summary>
    /// <param name="transport">The upgraded connection.</param>
    /// <param name="pod">How errors name the pod (upstream uses the sandbox ID).</param>
    /// <param name="dial">Opens a connection to a port inside the pod.</param>
    /// <param name="cancellationToken">Ends the session.</param>
    public static async Task ServeAsync(Stream transport, string pod, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dial);
        var pairs = new ConcurrentDictionary<string, Pair>(StringComparer.Ordinal);
        var forwards = new ConcurrentDictionary<Task, bool>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var connection = new SpdyConnection(transport);
        await connection.RunAsync(
            stream => stream.Header("streamtype") is "error" or "data",
            stop.Token,
            stream =>
            {
                var type = stream.Header("streamtype")!;
                var id = stream.Header("requestid") ?? (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);
                var pair = pairs.GetOrAdd(id, _ => new Pair());
                if (!pair.Add(type, stream))
                {
                    return;
                }

                var task = pair.IsComplete
                    ? ForwardAsync(pair, pod, dial, stop.Token)
                    : ExpireAsync(pair, stop.Token);
                forwards.TryAdd(task, true);
                _ = task.ContinueWith(t => forwards.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                if (pair.IsComplete)
                {
                    pairs.TryRemove(id, out _);
                }
            }).ConfigureAwait(false);

        // The client is gone: every stream is reset, so the forwards end; wait for their sockets to close.
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(forwards.Keys).ConfigureAwait(false);
    }

    private static async Task ExpireAsync(Pair pair, CancellationToken ct)
    {
        try
        {
            await Task.WhenAny(pair.Completed, Task.Delay(PairTimeout, ct)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!pair.IsComplete)
        {
            foreach (var stream in pair.Streams)
            {
                await stream.ResetAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ForwardAsync(Pair pair, string pod, Func<int, CancellationToken, Task<Stream>> dial, CancellationToken ct)
    {
        var data = pair.Data!;
        var error = pair.Error!;
        try
        {
            if (!int.TryParse(data.Header("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                await FailAsync(error, data, $"invalid port header: \"{data.Header("port")}\"", ct).ConfigureAwait(false);
                return;
            }

            Stream target;
            try
            {
                target = await dial(port, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ContainerRuntimeException or RuntimeUnavailableException or IOException)
            {
                await FailAsync(error, data, $"error forwarding port {port} to pod {pod}, uid : {e.Message}", ct).ConfigureAwait(false);
                return;
            }

            await using (target.ConfigureAwait(false))
            {
                var upstream = CopyInAsync(data, target, ct);
                var downstream = CopyOutAsync(target, data, ct);

                // The pod closing ends the pair; so does the client resetting it, even if the pod keeps its side open.
                await Task.WhenAny(downstream, data.WhenReset).ConfigureAwait(false);
                if (!downstream.IsCompleted)
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }

                await Task.WhenAll(upstream, downstream).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // The client or the pod went away mid-copy.
        }
        finally
        {
            await error.CloseWriteAsync(CancellationToken.None).ConfigureAwait(false);
            await data.CloseWriteAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task FailAsync(SpdyStream error, SpdyStream data, string message, CancellationToken ct)
    {
        await error.WriteAsync(Encoding.UTF8.GetBytes(message), ct).ConfigureAwait(false);
        await error.CloseWriteAsync(ct).ConfigureAwait(false);
        await data.CloseWriteAsync(ct).ConfigureAwait(false);
    }

    // Client → pod; the client's FIN half-closes the pod connection so the server there sees EOF.
    private static async Task CopyInAsync(SpdyStream data, Stream target, CancellationToken ct)
    {
        try
        {
            await data.CopyToAsync(target, 64 * 1024, ct).ConfigureAwait(false);
            if (target is System.Net.Sockets.NetworkStream network)
            {
                network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Either side closed.
        }
    }

    // Pod → client, then FIN.
    private static async Task CopyOutAsync(Stream target, SpdyStream data, CancellationToken ct)
    {
        try
        {
            await target.CopyToAsync(data, 64 * 1024, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Either side closed.
        }

        await data.CloseWriteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>An error and a data stream of one requestID.</summary>
    private sealed class Pair
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();

        public SpdyStream? Error { get; private set; }

        public SpdyStream? Data { get; private set; }

        public bool IsComplete => Error is not null && Data is not null;

        public Task Completed => _completed.Task;

        public IEnumerable<SpdyStream> Streams => new[] { Error, Data }.OfType<SpdyStream>();

        public bool Add(string type, SpdyStream stream)
        {
            lock (_lock)
            {
                if (type == "error" && Error is null)
                {
                    Error = stream;
                }
                else if (type == "data" && Data is null)
                {
                    Data = stream;
                }
                else
                {
                    return false;
                }

                if (IsComplete)
                {
                    _completed.TrySetResult();
                }

                return true;
            }
        }
    }
}
