using LocalKube.Node.ApiServer.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>The one entry point that registers every built-in resource strategy of the catalog.</summary>
public static class CatalogServiceCollectionExtensions
{
    /// <summary>Every catalog strategy, in discovery order (group by group, as upstream lists them).</summary>
    public static IReadOnlyList<IResourceStrategy> CreateAll() =>
    [
        // core/v1
        new PodStrategy(),
        new ServiceStrategy(),
        new EndpointsStrategy(),
        new ServiceAccountStrategy(),
        new NodeStrategy(),
        new EventStrategy(),
        new ReplicationControllerStrategy(),
        new PersistentVolumeStrategy(),
        new PersistentVolumeClaimStrategy(),
        new LimitRangeStrategy(),
        new ResourceQuotaStrategy(),
        new PodTemplateStrategy(),

        // apps/v1
        new DeploymentStrategy(),
        new ReplicaSetStrategy(),
        new StatefulSetStrategy(),
        new DaemonSetStrategy(),
        new ControllerRevisionStrategy(),

        // batch/v1
        new JobStrategy(),
        new CronJobStrategy(),

        // autoscaling: v2 first, the preferred version
        new HorizontalPodAutoscalerV2Strategy(),
        new HorizontalPodAutoscalerV1Strategy(),

        // other groups
        new EndpointSliceStrategy(),
        new LeaseStrategy(),
        new EventsV1EventStrategy(),
        new IngressStrategy(),
        new IngressClassStrategy(),
        new NetworkPolicyStrategy(),
        new PodDisruptionBudgetStrategy(),
        new StorageClassStrategy(),
        new PriorityClassStrategy(),
        new RoleStrategy(),
        new RoleBindingStrategy(),
        new ClusterRoleStrategy(),
        new ClusterRoleBindingStrategy(),
        new SelfSubjectReviewStrategy(),
        new TokenReviewStrategy(),
        new SelfSubjectAccessReviewStrategy(),
    ];

    /// <summary>
    /// Registers every built-in strategy as a singleton <see cref="IResourceStrategy"/>; the REST machinery builds
    /// discovery and routes from them. Calling it twice registers nothing new.
    /// </summary>
    public static IServiceCollection AddBuiltInResources(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var strategy in CreateAll())
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IResourceStrategy), strategy.GetType()));
        }

        return services;
    }
}
