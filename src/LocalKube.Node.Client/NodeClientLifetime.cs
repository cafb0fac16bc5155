using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using Microsoft.Extensions.Hosting;

namespace LocalKube.Node.Client;

/// <summary>
/// Stops the controllers' event broadcasters and the shared informers when the agent stops: after the components
/// that use them and before the API server they talk to (it is registered between the two, and hosted services stop
/// in reverse order), so no informer spends the shutdown retrying a closed port.
/// </summary>
internal sealed class NodeClientLifetime(ControllerContextFactory contexts, SharedInformerFactory informers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Neither connects when made, so resolving them for this costs nothing.
        await contexts.DisposeAsync();
        await informers.DisposeAsync();
    }
}
