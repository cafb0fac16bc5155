using System.CommandLine;
using LocalKube.Core.Services;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube tunnel</c>: minikube's tunnel as it behaves with port forwarding. Every LoadBalancer service gets
/// <c>status.loadBalancer.ingress[].ip = 127.0.0.1</c> and its ports listen on the host's 127.0.0.1 (the same port
/// numbers), forwarded through the node into the service, until Ctrl+C; then the ingress is cleared. A tunnel that
/// crashed leaves the ingress behind; the next one takes it over.
/// </summary>
public static class TunnelCommand
{
    /// <summary>How often new, changed or deleted LoadBalancer services are noticed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public static Command Create(CliContext cli)
    {
        var command = new Command("tunnel", "Serves LoadBalancer services on 127.0.0.1 (until Ctrl+C)");
        command.SetAction(async (result, ct) =>
        {
            using var access = await cli.Clusters.ServiceAccessAsync(cli.Profile(result), ct);
            var tunnel = new ServiceTunnel(access, cli.Out, cli.Error);
            cli.Error.WriteLine("Tunnel started: LoadBalancer services answer on 127.0.0.1. Keep this terminal open; press Ctrl+C to stop.");
            try
            {
                while (true)
                {
                    await tunnel.SyncAsync(ct);
                    await Task.Delay(Interval, ct);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C ends the tunnel.
            }
            finally
            {
                using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await tunnel.DisposeAsync(cleanup.Token);
                cli.Error.WriteLine("Tunnel stopped; the LoadBalancer ingress was cleared.");
            }

            return 0;
        });
        return command;
    }
}
