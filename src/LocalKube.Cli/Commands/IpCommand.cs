using System.CommandLine;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube ip</c>: the node's IP address.</summary>
public static class IpCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("ip", "Retrieves the IP address of the node");
        command.SetAction(async (result, ct) =>
        {
            cli.Out.WriteLine(await cli.Clusters.GetIpAsync(cli.Profile(result), ct));
            return 0;
        });
        return command;
    }
}
