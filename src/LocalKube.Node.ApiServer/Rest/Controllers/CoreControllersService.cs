using LocalKube.Node.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Rest.Controllers;

/// <summary>
/// The API server's own controllers as a node component (<c>apiserver-controllers</c>): once Storage is ready it
/// bootstraps the system namespaces and the <c>kubernetes</c> Service, opens its readiness gate (so <c>/readyz</c>
/// means "default exists"), then runs the namespace controller until the agent stops.
/// </summary>
public sealed class CoreControllersService(
    IComponentReadiness readiness,
    IHostApplicationLifetime lifetime,
    NodeExitStatus exitStatus,
    ILoggerFactory loggerFactory,
    ClusterBootstrap bootstrap,
    NamespaceController namespaces)
    : NodeComponentService(readiness, lifetime, exitStatus, loggerFactory.CreateLogger<CoreControllersService>())
{
    /// <summary>This component's id.</summary>
    public static NodeComponent Id { get; } = new("apiserver-controllers");

    /// <inheritdoc />
    public override NodeComponent Component => Id;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.Storage];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        await bootstrap.RunAsync(stoppingToken);
        markReady();
        await namespaces.RunAsync(stoppingToken);
        await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
    }
}
