using LocalKube.Node.Client;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Controllers;

/// <summary>Registers the controller manager and its controllers.</summary>
public static class ControllersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the controller manager component (<c>controllers</c>, switched off by <c>agent.disable=controllers</c>)
    /// and the client layer it needs. Controllers are added with <see cref="AddController{TController}"/>.
    /// </summary>
    public static IServiceCollection AddLocalKubeControllers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddNodeClient();
        services.AddNodeComponent<ControllerManagerService>(NodeComponent.Controllers);
        services.AddNodeSettingDefault(NodeComponent.Controllers, ControllerSelection.Key, ControllerSelection.All);
        services.AddController<Namespace.NamespaceController>(Namespace.NamespaceController.ControllerName);
        services.AddController<ServiceAccount.ServiceAccountsController>(ServiceAccount.ServiceAccountsController.ControllerName);
        services.AddController<ClusterRoleAggregation.ClusterRoleAggregationController>(ClusterRoleAggregation.ClusterRoleAggregationController.ControllerName);
        services.AddController<GarbageCollector.GarbageCollectorController>(GarbageCollector.GarbageCollectorController.ControllerName);
        services.AddController<Endpoints.EndpointsController>(Endpoints.EndpointsController.ControllerName);
        services.AddController<EndpointSlices.EndpointSliceController>(EndpointSlices.EndpointSliceController.ControllerName);
        services.AddController<RootCaPublisher.RootCaPublisherController>(RootCaPublisher.RootCaPublisherController.ControllerName);
        services.AddController<NodeLifecycle.NodeLifecycleController>(NodeLifecycle.NodeLifecycleController.ControllerName);
        services.AddController<TaintEviction.TaintEvictionController>(TaintEviction.TaintEvictionController.ControllerName);
        services.AddController<PodGarbageCollector.PodGarbageCollectorController>(PodGarbageCollector.PodGarbageCollectorController.ControllerName);
        services.AddController<TtlAfterFinished.TtlAfterFinishedController>(TtlAfterFinished.TtlAfterFinishedController.ControllerName);
        services.AddController<PersistentVolume.PersistentVolumeController>(PersistentVolume.PersistentVolumeController.ControllerName);
        services.AddController<Storage.HostPathProvisionerController>(Storage.HostPathProvisionerController.ControllerName);
        services.AddController<VolumeProtection.PvcProtectionController>(VolumeProtection.PvcProtectionController.ControllerName);
        services.AddController<VolumeProtection.PvProtectionController>(VolumeProtection.PvProtectionController.ControllerName);
        services.AddController<Disruption.DisruptionController>(Disruption.DisruptionController.ControllerName);
        return services;
    }

    /// <summary>
    /// Adds a controller, made with its <see cref="ControllerContext"/> and any agent service its constructor asks
    /// for. <paramref name="name"/> is upstream's controller name (e.g. <c>replicaset-controller</c>): the controller
    /// acts as the service account <c>kube-system/&lt;name&gt;</c>, whose <c>system:controller:&lt;name&gt;</c> role
    /// says what it may do.
    /// </summary>
    public static IServiceCollection AddController<TController>(this IServiceCollection services, string name)
        where TController : ControllerService
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddSingleton(new ControllerRegistration(name, (sp, context) => ActivatorUtilities.CreateInstance<TController>(sp, context)));
        return services;
    }
}
