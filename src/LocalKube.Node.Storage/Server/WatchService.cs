using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Storage.Server;

/// <summary>
/// etcd's Watch service: one bidirectional stream carries many watches, each with a stream-local ID. Each watch
/// pulls from the store on its own task; a lock keeps their responses whole on the shared stream. When the client
/// goes away every watch of the stream is cancelled and awaited, so nothing outlives the call.
/// </summary>
internal sealed class WatchService(EmbeddedKeyValueStore store, ILogger<WatchService> logger) : Watch.WatchBase
{
    public override async Task Watch(IAsyncStreamReader<WatchRequest> requestStream, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        using var send = new SemaphoreSlim(1, 1);
        var watches = new Dictionary<long, CancellationTokenSource>();
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
                        if (watches.ContainsKey(id))
                        {
                            await SendAsync(new WatchResponse { Header = store.Header(store.Revision), WatchId = -1, Created = true, Canceled = true, CancelReason = "mvcc: duplicate watch ID provided on the WatchStream" }).ConfigureAwait(false);
                            break;
                        }

                        nextId = Math.Max(nextId, id + 1);
                        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        watches[id] = cts;
                        pumps.Add(PumpAsync(id, create, cts.Token));
                        break;
                    case WatchRequest.RequestUnionOneofCase.CancelRequest:
                        if (watches.Remove(request.CancelRequest.WatchId, out var cancel))
                        {
                            await cancel.CancelAsync().ConfigureAwait(false);
                            await SendAsync(new WatchResponse { Header = store.Header(store.Revision), WatchId = request.CancelRequest.WatchId, Canceled = true }).ConfigureAwait(false);
                        }

                        break;
                    case WatchRequest.RequestUnionOneofCase.ProgressRequest:
                        // etcd 3.4 answers on the stream, not for a watch: watch_id -1 with the current revision.
                        await SendAsync(new WatchResponse { Header = store.Header(store.Revision), WatchId = -1 }).ConfigureAwait(false);
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
                await cts.CancelAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(pumps).ConfigureAwait(false);
            foreach (var cts in watches.Values)
            {
                cts.Dispose();
            }
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

        async Task PumpAsync(long id, WatchCreateRequest create, CancellationToken token)
        {
            try
            {
                await foreach (var response in store.WatchAsync(create, token).ConfigureAwait(false))
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
        }
    }
}
