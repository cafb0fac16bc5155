using System.CommandLine;
using LocalKube.Cli.Output;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube logs</c>: the node agent's log.</summary>
public static class LogsCommand
{
    public static Command Create(CliContext cli)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines." };
        var lines = new Option<int>("--length", "-n") { Description = "Number of lines to show.", DefaultValueFactory = _ => 60 };
        var command = new Command("logs", "Returns the node agent's logs") { follow, lines };
        command.SetAction(async (result, ct) =>
        {
            var n = result.GetValue(lines);
            if (n < 0)
            {
                throw new Abstractions.Errors.LocalKubeException(Abstractions.Errors.Reasons.Usage, $"Invalid value '{n}' for --length: use 0 or more.");
            }

            var json = cli.Format(result) == OutputFormat.Json;
            try
            {
                await foreach (var line in cli.Clusters.ReadLogsAsync(cli.Profile(result), n, result.GetValue(follow), ct))
                {
                    cli.Out.WriteLine(json ? line : AgentLogLine.Render(line));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested && result.GetValue(follow))
            {
                // Ctrl+C is how a follow ends.
            }

            return 0;
        });
        return command;
    }
}
