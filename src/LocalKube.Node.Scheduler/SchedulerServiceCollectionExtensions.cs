using LocalKube.Node.Client;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.Scheduler;

/// <summary>Registers the scheduler component.</summary>
public static class SchedulerServiceCollectionExtensions
{
    /// <summary>Adds the scheduler (<c>scheduler</c>, switched off by <c>agent.disable=scheduler</c>) and the client layer.</summary>
    public static IServiceCollection AddLocalKubeScheduler(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddNodeClient();
        services.AddNodeComponent<SchedulerService>(NodeComponent.Scheduler);
        return services;
    }
}
