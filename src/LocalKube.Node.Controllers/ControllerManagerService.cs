using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Controllers;

/// <summary>
/// The controller manager as a node component (<c>controllers</c>): makes every registered controller with its own
/// identity, runs them all, and is ready once every controller's informers have synced. A controller whose run ends
/// with an error fails the component (and the agent), as a crashed kube-controller-manager would.
/// </summary>
public sealed partial class ControllerManagerService(
    NodeComponentContext context,
    IEnumerable<ControllerRegistration> registrations,
    ControllerContextFactory contexts,
    NodeSettings settings,
    IServiceProvider services)
    : NodeComponentService(context)
{
    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Controllers;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

    /// <summary>The controllers made at start, for tests and diagnostics.</summary>
    public IReadOnlyList<ControllerService> Controllers { get; private set; } = [];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        // Making a context checks the controller manager's certificate: a missing one refuses the component here.
        var selection = new ControllerSelection(settings.GetList(NodeComponent.Controllers, ControllerSelection.Key));
        Controllers = registrations.Where(r => selection.IsEnabled(r.Name)).Select(r => r.Create(services, contexts.Create(r.Name))).ToList();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var running = Controllers.Select(c => c.RunAsync(stopping.Token)).ToList();
        var synced = Task.WhenAll(Controllers.Select(c => c.Synced));
        var first = await Task.WhenAny(running.Append(synced));
        if (first == synced)
        {
            Log.Synced(Logger, Controllers.Count);
            markReady();
        }

        try
        {
            await Task.WhenAll(running);

            // No controllers (all switched off): the component still serves until the agent stops.
            await Task.Delay(Timeout.InfiniteTimeSpan, Time, stoppingToken);
        }
        finally
        {
            await stopping.CancelAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Controller manager: {Count} controller(s) synced")]
        public static partial void Synced(ILogger logger, int count);
    }
}
