using LocalKube.Node.Controllers.CronJob;
using LocalKube.Node.Controllers.DaemonSet;
using LocalKube.Node.Controllers.Deployment;
using LocalKube.Node.Controllers.Job;
using LocalKube.Node.Controllers.ReplicaSet;
using LocalKube.Node.Controllers.ReplicationController;
using LocalKube.Node.Controllers.StatefulSet;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Controllers;

/// <summary>Registers the workload controllers with the controller manager.</summary>
public static class WorkloadControllersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job and CronJob controllers,
    /// each under upstream's name (its service account and event reporter).
    /// </summary>
    public static IServiceCollection AddWorkloadControllers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddController<DeploymentController>(DeploymentController.ControllerName);
        services.AddController<ReplicaSetController>(ReplicaSetController.ControllerName);
        services.AddController<ReplicationControllerController>(ReplicationControllerController.ControllerName);
        services.AddController<StatefulSetController>(StatefulSetController.ControllerName);
        services.AddController<DaemonSetController>(DaemonSetController.ControllerName);
        services.AddController<JobController>(JobController.ControllerName);
        services.AddController<CronJobController>(CronJobController.ControllerName);
        return services;
    }
}
