using System.Net.Sockets;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The kubelet as a node component (<c>kubelet</c>), acting as <c>system:node:&lt;node&gt;</c>: registers the Node
/// (ready once registered), then renews its Lease every 10 s and posts its status every
/// <see cref="StatusReportInterval"/>. Failures are retried with backoff; a denial by RBAC is logged as such.
/// </summary>
public sealed partial class KubeletService(
    NodeComponentContext context,
    IKubeClientFactory clients,
    IOptions<NodeAgentOptions> options)
    : NodeComponentService(context)
{
    /// <summary>How often the full status is posted when nothing changed (upstream's <c>nodeStatusReportFrequency</c>).</summary>
    public static readonly TimeSpan StatusReportInterval = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.Kubelet;

    /// <inheritdoc />
    public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var agent = options.Value;
        var client = clients.ClientFor(ComponentIdentity.Kubelet(agent.NodeName));
        var registrar = new NodeRegistrar(client, agent, Time);
        var lease = new NodeLease(client, agent.NodeName, Time);
        var node = await RetryAsync("register the node", () => registrar.RegisterAsync(stoppingToken), stoppingToken);
        await RetryAsync("create the node lease", () => lease.EnsureAsync(node, stoppingToken), stoppingToken);
        Log.Registered(Logger, agent.NodeName);
        markReady();

        var lastStatus = Time.GetUtcNow();
        while (true)
        {
            await Task.Delay(NodeLease.RenewInterval, Time, stoppingToken);
            await RetryAsync("renew the node lease", () => lease.RenewAsync(node, stoppingToken), stoppingToken);
            if (Time.GetUtcNow() - lastStatus >= StatusReportInterval)
            {
                node = await RetryAsync("post the node status", () => registrar.UpdateStatusAsync(stoppingToken), stoppingToken);
                lastStatus = Time.GetUtcNow();
            }
        }
    }

    private async Task<T> RetryAsync<T>(string what, Func<Task<T>> action, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && (KubeErrors.StatusCode(e) is not null || e is HttpRequestException or IOException or SocketException))
            {
                if (KubeErrors.IsForbidden(e))
                {
                    Log.Denied(Logger, what, e.Message);
                }
                else
                {
                    Log.Failed(Logger, what, delay, e.Message);
                }

                await Task.Delay(delay, Time, stoppingToken);
                delay = delay * 2 > MaxBackoff ? MaxBackoff : delay * 2;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Node {Node} registered")]
        public static partial void Registered(ILogger logger, string node);

        [LoggerMessage(2, LogLevel.Warning, "Kubelet could not {What}, retrying in {Delay}: {Message}")]
        public static partial void Failed(ILogger logger, string what, TimeSpan delay, string message);

        [LoggerMessage(3, LogLevel.Error, "Kubelet is not allowed to {What} (RBAC denied system:node): {Message}")]
        public static partial void Denied(ILogger logger, string what, string message);
    }
}
