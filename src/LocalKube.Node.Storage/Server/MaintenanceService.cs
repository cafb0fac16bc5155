using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Maintenance service: Status and Alarm (the rest is not implemented).</summary>
internal sealed class MaintenanceService(EmbeddedKeyValueStore store) : Maintenance.MaintenanceBase
{
    public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) => store.StatusAsync(request, context.CancellationToken);

    public override Task<AlarmResponse> Alarm(AlarmRequest request, ServerCallContext context) => store.AlarmAsync(request, context.CancellationToken);
}
