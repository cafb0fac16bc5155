using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's KV service over the embedded store.</summary>
internal sealed class KvService(StoreHolder holder) : KV.KVBase
{
    public override async Task<RangeResponse> Range(RangeRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).RangeAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<PutResponse> Put(PutRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).PutAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<DeleteRangeResponse> DeleteRange(DeleteRangeRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).DeleteRangeAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<TxnResponse> Txn(TxnRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).TxnAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<CompactionResponse> Compact(CompactionRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).CompactAsync(request, context.CancellationToken).ConfigureAwait(false);
}
