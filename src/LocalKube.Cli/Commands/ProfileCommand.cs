using System.CommandLine;
using System.Text.Json;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;
using Spectre.Console;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube profile list</c>.</summary>
public static class ProfileCommand
{
    public static Command Create(CliContext cli)
    {
        var list = new Command("list", "Lists all profiles");
        list.SetAction(async (result, ct) =>
        {
            var profiles = await cli.Clusters.ListProfilesAsync(ct);
            if (cli.Format(result) == OutputFormat.Json)
            {
                cli.Out.WriteLine(JsonSerializer.Serialize(profiles, CoreJsonContext.Default.ProfileListView));
                return 0;
            }

            if (profiles.Valid.Count == 0 && profiles.Invalid.Count == 0)
            {
                cli.Out.WriteLine("No profiles found. Start a cluster with 'localkube start'.");
                return 0;
            }

            var table = new Table().AddColumns("Profile", "Driver", "IP", "Port", "Version", "Status", "Nodes", "Active Kubecontext");
            foreach (var p in profiles.Valid)
            {
                table.AddRow(p.Name, p.Driver, p.Ip, p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), p.KubernetesVersion, p.Status,
                    p.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), p.ActiveKubeContext ? "*" : "");
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Out), Ansi = AnsiSupport.No });
            // Without a terminal Spectre assumes 80 columns and wraps names and addresses; a pipe has no width limit.
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
            console.Write(table);
            foreach (var p in profiles.Invalid)
            {
                cli.Error.WriteLine($"! Found an invalid profile \"{p.Name}\": {p.Error}");
            }

            return 0;
        });
        var command = new Command("profile", "Profile commands") { list };
        return command;
    }
}
