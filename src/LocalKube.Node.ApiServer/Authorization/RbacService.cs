using LocalKube.Node.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The RBAC machinery as a node component (<c>apiserver-rbac</c>): once Storage is ready it reconciles the default
/// roles and bindings, loads the policy cache (ready from then on: requests are authorized against loaded policy),
/// then keeps the cache, the cluster-role aggregation controller and the service-account controller running.
/// </summary>
public sealed class RbacService(
    IComponentReadiness readiness,
    IHostApplicationLifetime lifetime,
    NodeExitStatus exitStatus,
    ILoggerFactory loggerFactory,
    BootstrapPolicyReconciler bootstrap,
    RbacPolicyCache cache,
    RbacAuthorizer authorizer,
    ClusterRoleAggregator aggregator,
    ServiceAccountController serviceAccounts)
    : NodeComponentService(readiness, lifetime, exitStatus, loggerFactory.CreateLogger<RbacService>())
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
        await bootstrap.RunAsync(stoppingToken);

        // The aggregator subscribes to cache changes before the cache starts publishing.
        var aggregating = aggregator.RunAsync(stoppingToken);
        var caching = cache.RunAsync(stoppingToken);
        var accounts = serviceAccounts.RunAsync(stoppingToken);
        await authorizer.Synced.WaitAsync(stoppingToken);
        markReady();
        await Task.WhenAll(aggregating, caching, accounts);
        await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
    }
}
