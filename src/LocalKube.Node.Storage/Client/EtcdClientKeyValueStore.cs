using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Storage.Client;

/// <summary>
/// <see cref="IKeyValueStore"/> on a real etcd v3 cluster (or our own storage server) through gRPC with our protos.
/// Several endpoints are balanced round-robin, and a call fails over when an endpoint is unreachable.
/// Each watch gets its own gRPC stream, so cancelling one never disturbs another.
/// </summary>
public sealed class EtcdClientKeyValueStore : IKeyValueStore
{
    private readonly GrpcChannel _channel;
    private readonly KV.KVClient _kv;
    private readonly Watch.WatchClient _watch;
    private readonly Lease.LeaseClient _lease;
    private readonly Maintenance.MaintenanceClient _maintenance;

    private EtcdClientKeyValueStore(GrpcChannel channel)
    {
        _channel = channel;
        _kv = new KV.KVClient(channel);
        _watch = new Watch.WatchClient(channel);
        _lease = new Lease.LeaseClient(channel);
        _maintenance = new Maintenance.MaintenanceClient(channel);
    }

    /// <summary>Connects (lazily) to the given <c>http://HOST:PORT</c> endpoints.</summary>
    public static EtcdClientKeyValueStore Connect(IReadOnlyList<Uri> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0)
        {
            throw new ArgumentException("at least one etcd endpoint is needed", nameof(endpoints));
        }

        var options = new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        };
        if (endpoints.Count == 1)
        {
            return new EtcdClientKeyValueStore(GrpcChannel.ForAddress(endpoints[0], options));
        }

        // Several members: a static resolver with round-robin picks a live one for each call.
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => endpoints.Select(u => new BalancerAddress(u.Host, u.Port)).ToArray()));
        options.ServiceProvider = services.BuildServiceProvider();
        options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        return new EtcdClientKeyValueStore(GrpcChannel.ForAddress("static:///etcd", options));
    }

    public async Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken) =>
        await _kv.RangeAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken) =>
        await _kv.PutAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken) =>
        await _kv.DeleteRangeAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken) =>
        await _kv.TxnAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken) =>
        await _kv.CompactAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<WatchResponse> WatchAsync(WatchCreateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = _watch.Watch(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = request }, cancellationToken).ConfigureAwait(false);
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return response;
            if (response.Canceled)
            {
                yield break;
            }
        }
    }

    public async Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken) =>
        await _lease.LeaseGrantAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken) =>
        await _lease.LeaseRevokeAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken)
    {
        using var call = _lease.LeaseKeepAlive(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "lease keep-alive stream closed without a response"));
        }

        return call.ResponseStream.Current;
    }

    public async Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken) =>
        await _lease.LeaseTimeToLiveAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken) =>
        await _lease.LeaseLeasesAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<StatusResponse> StatusAsync(StatusRequest request, CancellationToken cancellationToken) =>
        await _maintenance.StatusAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public async Task<AlarmResponse> AlarmAsync(AlarmRequest request, CancellationToken cancellationToken) =>
        await _maintenance.AlarmAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
