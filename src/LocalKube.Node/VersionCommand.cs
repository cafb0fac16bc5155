using System.CommandLine;
using LocalKube.Node.ApiServer;
using LocalKube.Node.ApiServer.Http;

namespace LocalKube.Node;

/// <summary><c>localkube-node version</c>: prints the <c>/version</c> JSON.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version as JSON (the /version document)");
        command.SetAction(async (_, cancellationToken) =>
        {
            await Console.Out.WriteLineAsync(ServerVersion.ToJson().AsMemory(), cancellationToken);
            return 0;
        });
        return command;
    }
}
