using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Lease service over the embedded store.</summary>
internal sealed class LeaseService(EmbeddedKeyValueStore store) : Lease.LeaseBase
{
    public override Task<LeaseGrantResponse> LeaseGrant(LeaseGrantRequest request, ServerCallContext context) => store.LeaseGrantAsync(request, context.CancellationToken);

    public override Task<LeaseRevokeResponse> LeaseRevoke(LeaseRevokeRequest request, ServerCallContext context) => store.LeaseRevokeAsync(request, context.CancellationToken);

    public override Task<LeaseTimeToLiveResponse> LeaseTimeToLive(LeaseTimeToLiveRequest request, ServerCallContext context) => store.LeaseTimeToLiveAsync(request, context.CancellationToken);

    public override Task<LeaseLeasesResponse> LeaseLeases(LeaseLeasesRequest request, ServerCallContext context) => store.LeaseLeasesAsync(request, context.CancellationToken);

    public override async Task LeaseKeepAlive(IAsyncStreamReader<LeaseKeepAliveRequest> requestStream, IServerStreamWriter<LeaseKeepAliveResponse> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await foreach (var request in requestStream.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var response = await store.LeaseKeepAliveAsync(request, ct).ConfigureAwait(false);
            await responseStream.WriteAsync(response, ct).ConfigureAwait(false);
        }
    }
}
