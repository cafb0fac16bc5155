using System.CommandLine;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Dashboard.Hosting;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube dashboard [--url] [--port N]</c>: the built-in web dashboard, served from this process on
/// 127.0.0.1 with the profile's credentials (see src/LocalKube.Dashboard). The link goes to stdout; it runs in the
/// foreground until Ctrl+C.
/// </summary>
public static class DashboardCommand
{
    public static Command Create(CliContext cli)
    {
        var url = new Option<bool>("--url") { Description = "Print the dashboard link instead of opening a browser." };
        var port = new Option<int?>("--port") { Description = "Serve on this 127.0.0.1 port (default: the port this profile used last, else a free one; 0: any free port)." };
        var command = new Command("dashboard", "Serves a web dashboard for the cluster on 127.0.0.1 and opens it in the browser") { url, port };
        command.SetAction(async (result, ct) =>
        {
            var asked = result.GetValue(port);
            if (asked is < 0 or > 65535)
            {
                throw new LocalKubeException(Reasons.Usage, $"Invalid value '{asked}' for --port: use 0 to 65535.");
            }

            var launcher = new DashboardLauncher(cli.Get<LocalKubePaths>(), cli.Get<ProfileStore>(), cli.Out, cli.Error);
            return await launcher.RunAsync(cli.Profile(result), result.GetValue(url), asked, ct);
        });
        return command;
    }
}
