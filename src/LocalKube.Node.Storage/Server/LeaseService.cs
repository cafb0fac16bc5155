using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Lease service over the embedded store.</summary>
internal sealed class LeaseService(StoreHolder holder) : Lease.LeaseBase
{
    public override async Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).LeaseGrantAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).LeaseRevokeAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).LeaseTimeToLiveAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).LeaseLeasesAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requestStream, IServerStreamWriter<LeaseKeepAliveResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var store = await holder.GetAsync(ct).ConfigureAwait(false);
        await foreach (var request in requestStream.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var response = await store.LeaseKeepAliveAsync(request, ct).ConfigureAwait(false);
            await responseStream.WriteAsync(response, ct).ConfigureAwait(false);
        }
    }
}
