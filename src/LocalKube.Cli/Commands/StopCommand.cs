using System.CommandLine;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube stop</c>: stop the node, keeping all its state.</summary>
public static class StopCommand
{
    public static Command Create(CliContext cli)
    {
        var all = new Option<bool>("--all") { Description = "Stop every profile." };
        var keepContextActive = new Option<bool>("--keep-context-active") { Description = "Keep the kubeconfig context (by default stop removes it, as minikube does)." };
        var command = new Command("stop", "Stops a running local Kubernetes cluster") { all, keepContextActive };
        command.SetAction(async (result, ct) =>
        {
            var reporter = cli.Reporter(result);
            var profiles = result.GetValue(all)
                ? (await cli.Clusters.ListProfilesAsync(ct)).Valid.Select(p => p.Name).ToList()
                : [cli.Profile(result)];
            var stopped = 0;
            foreach (var profile in profiles)
            {
                stopped += await cli.Clusters.StopAsync(profile, result.GetValue(keepContextActive), reporter, ct);
            }

            reporter.Info($"{stopped} node{(stopped == 1 ? "" : "s")} stopped.");
            return 0;
        });
        return command;
    }
}
