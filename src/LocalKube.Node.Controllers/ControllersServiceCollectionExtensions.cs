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
