using System.CommandLine;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube delete</c>: remove a cluster and every trace of it.</summary>
public static class DeleteCommand
{
    public static Command Create(CliContext cli)
    {
        var all = new Option<bool>("--all") { Description = "Delete every profile, and everything labelled as LocalKube's." };
        var purge = new Option<bool>("--purge") { Description = "Also remove the LocalKube home folder (LOCALKUBE_HOME, default ~/.localkube)." };
        var command = new Command("delete", "Deletes a local Kubernetes cluster") { all, purge };
        command.SetAction(async (result, ct) =>
        {
            var reporter = cli.Reporter(result);
            if (result.GetValue(all))
            {
                await cli.Clusters.DeleteAllAsync(result.GetValue(purge), reporter, ct);
            }
            else
            {
                await cli.Clusters.DeleteAsync(cli.Profile(result), result.GetValue(purge), reporter, ct);
            }

            return 0;
        });
        return command;
    }
}
