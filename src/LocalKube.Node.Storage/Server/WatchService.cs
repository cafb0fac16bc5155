using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage.Server;

/// <summary>
/// etcd's Watch service: one bidirectional stream carries many watches, each with a stream-local ID. Each watch
/// pulls from the store on its own task; a lock keeps their responses whole on the shared stream. When the client
/// goes away every watch of the stream is cancelled and awaited, so nothing outlives the call.
/// </summary>
internal sealed class WatchService(StoreHolder holder, ILogger<WatchService> logger) : Watch.WatchBase
{
    public override async Task Watch(IAsyncStreamReader<WatchRequest> requestStream, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var store = await holder.GetAsync(ct).ConfigureAwait(false);
        using var send = new SemaphoreSlim(1, 1);
        // Pumps remove their own entry when their watch ends (compaction, bad range), hence a concurrent map.
        var watches = new System.Collections.Concurrent.ConcurrentDictionary<long, CancellationTokenSource>();

        // Per watch: the revision through which all its events have been sent (what a progress response may claim).
        var synced = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        var pumps = new List<Task>();
        long nextId = 0;
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (request.RequestUnionCase)
                {
                    case WatchRequest.RequestUnionOneofCase.CreateRequest:
                        var create = request.CreateRequest;
                        var id = create.WatchId != 0 ? create.WatchId : nextId;
                        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        if (!watches.TryAdd(id, cts))
                        {
                            cts.Dispose();
                            await SendAsync(new WatchResponse { Header = store.Header(store.Revision), WatchId = -1, Created = true, Canceled = true, CancelReason = "mvcc: duplicate watch ID provided on the WatchStream" }).ConfigureAwait(false);
                            break;
                        }

                        nextId = Math.Max(nextId, id + 1);
                        pumps.RemoveAll(p => p.IsCompleted);
                        pumps.Add(PumpAsync(id, create, cts));
                        break;
                    case WatchRequest.RequestUnionOneofCase.CancelRequest:
                        if (watches.TryRemove(request.CancelRequest.WatchId, out var cancel))
                        {
                            await CancelQuietlyAsync(cancel).ConfigureAwait(false);
                            await SendAsync(new WatchResponse { Header = store.Header(store.Revision), WatchId = request.CancelRequest.WatchId, Canceled = true }).ConfigureAwait(false);
                        }

                        break;
                    case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                        // etcd 3.4 answers on the stream, not for a watch: watch_id -1 with a revision every watch of
                        // the stream has sent all its events through (the current one when they are all caught up).
                        var current = store.Revision;
                        var progress = synced.IsEmpty ? current : Math.Min(current, synced.Values.DefaultIfEmpty(current).Min());
                        await SendAsync(new WatchResponse { Header = store.Header(progress), WatchId = -1 }).ConfigureAwait(false);
                        break;
                }
            }

            // The client closed its side; like etcd we keep sending until it cancels the call.
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var cts in watches.Values)
            {
                await CancelQuietlyAsync(cts).ConfigureAwait(false);
            }

            await Task.WhenAll(pumps).ConfigureAwait(false);
        }

        async Task SendAsync(WatchResponse response)
        {
            await send.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await responseStream.WriteAsync(response, ct).ConfigureAwait(false);
            }
            finally
            {
                send.Release();
            }
        }

        async Task PumpAsync(long id, WatchCreateRequest create, CancellationTokenSource cts)
        {
            synced[id] = Math.Max(0, create.StartRevision > 0 ? create.StartRevision - 1 : store.Revision);
            try
            {
                await foreach (var response in store.WatchAsync(create, rev => synced[id] = rev, cts.Token).ConfigureAwait(false))
                {
                    if (response.WatchId != -1)
                    {
                        response.WatchId = id;
                    }

                    await SendAsync(response).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // The stream broke under us (client gone); the call is ending anyway.
                logger.LogDebug(e, "Watch {Id} stopped: {Reason}", id, e.Message);
            }
            finally
            {
                // A watch that ended by itself (or was canceled) frees its slot; the stream may outlive it by hours.
                watches.TryRemove(new KeyValuePair<long, CancellationTokenSource>(id, cts));
                synced.TryRemove(id, out _);
                cts.Dispose();
            }
        }
    }

    /// <summary>Cancels a watch whose pump may have just ended and disposed its source.</summary>
    private static async Task CancelQuietlyAsync(CancellationTokenSource cts)
    {
        try
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
