using System.CommandLine;
using System.Text.Json;
using LocalKube.Cli.Native;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube status</c>: the node's state, with minikube's bit-encoded exit code.</summary>
public static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("status", "Gets the status of a local Kubernetes cluster");
        command.SetAction(async (result, ct) =>
        {
            // Every TLS connection status makes is pinned (ApiServerProbe): skip loading the system's roots.
            PinnedTrust.UseForThisProcess();
            var status = await cli.Clusters.GetStatusAsync(cli.Profile(result), ct);
            if (cli.Format(result) == OutputFormat.Json)
            {
                cli.Out.WriteLine(JsonSerializer.Serialize(status, CoreJsonContext.Default.ClusterStatus));
            }
            else
            {
                cli.Out.WriteLine(status.Name);
                cli.Out.WriteLine("type: Control Plane");
                cli.Out.WriteLine($"host: {status.Host}");
                cli.Out.WriteLine($"kubelet: {status.Kubelet}");
                if (status.ContainerRuntime.Length > 0)
                {
                    cli.Out.WriteLine(status.ContainerRuntime == ClusterDefaults.SimulatedRuntime
                        ? "runtime: simulated (pods run without containers)"
                        : $"runtime: {status.ContainerRuntime}");
                }

                cli.Out.WriteLine($"apiserver: {status.ApiServer}");
                cli.Out.WriteLine($"kubeconfig: {status.Kubeconfig}");
                cli.Out.WriteLine();
            }

            return status.ExitCode;
        });
        return command;
    }
}
