using Microsoft.Extensions.Hosting;

namespace LocalKube.Node.ApiServer;

/// <summary>
/// The API server's web application runs inside the agent's host: only the agent reacts to SIGTERM/Ctrl+C, and
/// stops the web application in component order. The default console lifetime would stop it on its own.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
