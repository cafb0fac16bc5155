using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage;

/// <summary>
/// The etcd v3 key-value API the API server uses, with etcd's request and response messages. Two implementations:
/// the embedded store (<see cref="EmbeddedKeyValueStore"/>, in-process) and a real etcd cluster over gRPC
/// (<see cref="Client.EtcdClientKeyValueStore"/>); <see cref="KeyValueStoreFactory"/> picks one.
/// Failures are <see cref="Grpc.Core.RpcException"/>s with etcd's status codes and messages (see <see cref="EtcdErrors"/>).
/// </summary>
public interface IKeyValueStore : IAsyncDisposable
{
    Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken);

    Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken);

    Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken);

    Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken);

    Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// One watch. The first response is the creation (<c>created</c> set); then events in revision order, progress
    /// notifications, and at most one final response with <c>canceled</c> set (compaction or a bad range), after
    /// which the sequence ends. Cancel the token (or stop enumerating) to cancel the watch.
    /// </summary>
    IAsyncEnumerable<WatchResponse> WatchAsync(WatchCreateRequest request, CancellationToken cancellationToken);

    Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken);

    Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken);

    /// <summary>One keep-alive; a TTL of 0 in the response means the lease does not exist (as etcd answers).</summary>
    Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken);

    /// <summary>A TTL of -1 in the response means the lease does not exist (as etcd answers).</summary>
    Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken);

    Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken);

    Task<StatusResponse> StatusAsync(StatusRequest request, CancellationToken cancellationToken);

    Task<AlarmResponse> AlarmAsync(AlarmRequest request, CancellationToken cancellationToken);
}
