using LocalKube.Node.ApiServer.Catalog.Apps;
using LocalKube.Node.ApiServer.Catalog.Authentication;
using LocalKube.Node.ApiServer.Catalog.Autoscaling;
using LocalKube.Node.ApiServer.Catalog.Batch;
using LocalKube.Node.ApiServer.Catalog.Coordination;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Catalog.EndpointSlices;
using LocalKube.Node.ApiServer.Catalog.Events;
using LocalKube.Node.ApiServer.Catalog.Networking;
using LocalKube.Node.ApiServer.Catalog.Policy;
using LocalKube.Node.ApiServer.Catalog.Rbac;
using LocalKube.Node.ApiServer.Catalog.Scheduling;
using LocalKube.Node.ApiServer.Catalog.Storage;
using LocalKube.Node.ApiServer.Resources;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.DependencyInjection;

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
    /// Registers every built-in strategy as a singleton <see cref="IResourceStrategy"/> (and its descriptor for
    /// discovery); the REST machinery builds routes from them. Calling it twice registers nothing new.
    /// </summary>
    public static IServiceCollection AddBuiltInResources(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Through the machinery's helper, which also registers each descriptor for discovery. Same order as CreateAll.
        services.AddResourceStrategy<PodStrategy>();
        services.AddResourceStrategy<ServiceStrategy>();
        services.AddResourceStrategy<EndpointsStrategy>();
        services.AddResourceStrategy<ServiceAccountStrategy>();
        services.AddResourceStrategy<NodeStrategy>();
        services.AddResourceStrategy<EventStrategy>();
        services.AddResourceStrategy<ReplicationControllerStrategy>();
        services.AddResourceStrategy<PersistentVolumeStrategy>();
        services.AddResourceStrategy<PersistentVolumeClaimStrategy>();
        services.AddResourceStrategy<LimitRangeStrategy>();
        services.AddResourceStrategy<ResourceQuotaStrategy>();
        services.AddResourceStrategy<PodTemplateStrategy>();
        services.AddResourceStrategy<DeploymentStrategy>();
        services.AddResourceStrategy<ReplicaSetStrategy>();
        services.AddResourceStrategy<StatefulSetStrategy>();
        services.AddResourceStrategy<DaemonSetStrategy>();
        services.AddResourceStrategy<ControllerRevisionStrategy>();
        services.AddResourceStrategy<JobStrategy>();
        services.AddResourceStrategy<CronJobStrategy>();
        services.AddResourceStrategy<HorizontalPodAutoscalerV2Strategy>();
        services.AddResourceStrategy<HorizontalPodAutoscalerV1Strategy>();
        services.AddResourceStrategy<EndpointSliceStrategy>();
        services.AddResourceStrategy<LeaseStrategy>();
        services.AddResourceStrategy<EventsV1EventStrategy>();
        services.AddResourceStrategy<IngressStrategy>();
        services.AddResourceStrategy<IngressClassStrategy>();
        services.AddResourceStrategy<NetworkPolicyStrategy>();
        services.AddResourceStrategy<PodDisruptionBudgetStrategy>();
        services.AddResourceStrategy<StorageClassStrategy>();
        services.AddResourceStrategy<PriorityClassStrategy>();
        services.AddResourceStrategy<RoleStrategy>();
        services.AddResourceStrategy<RoleBindingStrategy>();
        services.AddResourceStrategy<ClusterRoleStrategy>();
        services.AddResourceStrategy<ClusterRoleBindingStrategy>();
        services.AddResourceStrategy<SelfSubjectReviewStrategy>();
        services.AddResourceStrategy<TokenReviewStrategy>();
        services.AddResourceStrategy<SelfSubjectAccessReviewStrategy>();
        services.AddAdmissionHook<Admission.PriorityAdmission>();
        services.AddAdmissionHook<Admission.SchedulingGatesAdmission>();
        services.AddAdmissionHook<Admission.ServiceAccountAdmission>();
        services.AddAdmissionHook<Admission.DefaultStorageClassAdmission>();
        services.AddAdmissionHook<Admission.StorageProtectionAdmission>();
        services.AddAdmissionHook<Admission.NodeRestrictionAdmission>();
        return services;
    }
}
