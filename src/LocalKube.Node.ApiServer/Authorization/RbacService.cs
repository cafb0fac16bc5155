using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The RBAC machinery as a node component (<c>apiserver-rbac</c>): once Storage is ready it reconciles the default
/// roles and bindings, loads the policy cache and the node authorizer's graph (ready from then on: requests are
/// authorized against loaded policy), then keeps both up to date, riding out storage outages.
/// </summary>
public sealed class RbacService(
    NodeComponentContext context,
    BootstrapPolicyReconciler bootstrap,
    RbacPolicyCache cache,
    NodeGraphPopulator graph,
    RbacAuthorizer authorizer)
    : NodeComponentService(context)
{
    /// <summary>This component's id.</summary>
    public static NodeComponent Id { get; } = new("apiserver-rbac");

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

        var caching = Task.WhenAll(cache.RunAsync(stoppingToken), graph.RunAsync(stoppingToken));
        await authorizer.Synced.WaitAsync(stoppingToken);
        markReady();
        await caching;
        await Task.Delay(Timeout.InfiniteTimeSpan, Time, stoppingToken);
    }
}
