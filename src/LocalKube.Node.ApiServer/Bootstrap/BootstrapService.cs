using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// The API server's start-up work as a node component (<c>apiserver-bootstrap</c>, upstream's bootstrap-controller
/// post-start hook): once Storage is ready it creates the system namespaces and the <c>kubernetes</c> Service, then
/// opens its readiness gate (so <c>/readyz</c> means "default exists"); then labels this agent's Node as the control
/// plane once its kubelet has registered it (<see cref="ControlPlaneLabel"/>). Controllers are API clients and live in
/// Node.Controllers.
/// </summary>
public sealed class BootstrapService(NodeComponentContext context, ClusterBootstrap bootstrap, ControlPlaneLabel controlPlane) : NodeComponentService(context)
{
    /// <summary>This component's id.</summary>
    public static NodeComponent Id { get; } = new("apiserver-bootstrap");

    /// <inheritdoc />
    public override NodeComponent Component => Id;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.Storage];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        using (RequestUser.As(KubeUser.ApiServer))
        {
            await bootstrap.RunAsync(stoppingToken);
        }

        markReady();
        using (RequestUser.As(KubeUser.ApiServer))
        {
            await controlPlane.RunAsync(stoppingToken);
        }

        await Task.Delay(Timeout.InfiniteTimeSpan, Time, stoppingToken);
    }
}
