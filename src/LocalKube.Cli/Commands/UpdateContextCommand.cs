using System.CommandLine;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube update-context</c>: repair a stale kubeconfig server address or port.</summary>
public static class UpdateContextCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("update-context", "Update kubeconfig in case of an IP or port change");
        command.SetAction(async (result, ct) =>
        {
            var profile = cli.Profile(result);
            var (changed, server) = await cli.Clusters.UpdateContextAsync(profile, ct);
            cli.Out.WriteLine(changed
                ? $"\"{profile}\" context has been updated to point to {server}"
                : $"\"{profile}\" context already points to {server}");
            return 0;
        });
        return command;
    }
}
