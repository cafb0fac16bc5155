using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Maintenance service: Status and Alarm (the rest is not implemented).</summary>
internal sealed class MaintenanceService(StoreHolder holder) : Maintenance.MaintenanceBase
{
    public override async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).StatusAsync(request, context.CancellationToken).ConfigureAwait(false);

    public override async Task<AlarmResponse> Alarm(AlarmRequest request, ServerCallContext context) =>
        await (await holder.GetAsync(context.CancellationToken).ConfigureAwait(false)).AlarmAsync(request, context.CancellationToken).ConfigureAwait(false);
}
