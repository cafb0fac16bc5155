using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Client.Controllers;

/// <summary>
/// Makes each controller's <see cref="ControllerContext"/> in the agent: the controller acts as its own service
/// account <c>kube-system/&lt;name&gt;</c> (tokens requested by the controller manager's identity, as upstream's
/// <c>--use-service-account-credentials</c>), reads from the agent's shared informers, and records events as
/// itself. Owns the contexts' event broadcasters.
/// </summary>
public sealed class ControllerContextFactory(
    IKubeClientFactory clients,
    SharedInformerFactory informers,
    IOptions<NodeAgentOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IAsyncDisposable
{
    /// <summary>The namespace of the controllers' service accounts.</summary>
    public const string ServiceAccountNamespace = "kube-system";

    private readonly List<EventBroadcaster> _broadcasters = [];
    private readonly List<ServiceAccountTokenProvider> _tokens = [];

    /// <summary>
    /// The context of controller <paramref name="name"/> (e.g. <c>namespace-controller</c>).
    /// </summary>
    /// <exception cref="ComponentCredentialsException">The controller manager's certificate is missing or invalid.</exception>
    public ControllerContext Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var manager = clients.ClientFor(ComponentIdentity.ControllerManager);
        var tokens = new ServiceAccountTokenProvider(manager, ServiceAccountNamespace, name, time);
        var client = clients.ClientForTokens(ComponentIdentity.ControllerManager.Name, tokens, tokens.UserName);
        var broadcaster = new EventBroadcaster(client, loggerFactory, time, options.Value.NodeName) { Correlation = EventCorrelation.Legacy };
        broadcaster.Start();
        lock (_broadcasters)
        {
            _broadcasters.Add(broadcaster);
            _tokens.Add(tokens);
        }

        return new ControllerContext(name, client, informers, broadcaster.NewRecorder(name), loggerFactory, time);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        EventBroadcaster[] broadcasters;
        lock (_broadcasters)
        {
            broadcasters = [.. _broadcasters];
            _broadcasters.Clear();
        }

        foreach (var broadcaster in broadcasters)
        {
            await broadcaster.DisposeAsync();
        }

        foreach (var tokens in _tokens)
        {
            tokens.Dispose();
        }
    }
}
