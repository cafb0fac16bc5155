using System.CommandLine;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube ssh [-- COMMAND]</c>: a shell in the node, or a command run by the node's shell (the words joined, as
/// ssh does), with its exit code passed through. A TTY when stdin and stdout are terminals; otherwise streams, so
/// <c>echo ls | localkube ssh</c> and <c>localkube ssh -- cat /etc/os-release | grep ID</c> work in scripts.
/// </summary>
public static class SshCommand
{
    public static Command Create(CliContext cli)
    {
        var args = new Argument<string[]>("COMMAND") { Description = "A command to run in the node, after --.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("ssh", "Log into the node, or run a command in it: localkube ssh -- COMMAND") { args };
        command.SetAction(async (result, ct) =>
        {
            var words = result.GetValue(args) ?? [];
            var node = await cli.Clusters.OpenNodeAsync(cli.Profile(result), containerEngine: false, ct);
            var terminal = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            IReadOnlyList<string> argv = words.Length == 0 ? ["/bin/bash", "-l"] : ["/bin/sh", "-c", string.Join(' ', words)];
            if (terminal)
            {
                return await node.RunAsync(new NodeCommand(argv) { Terminal = true, Environment = ["TERM=" + (Environment.GetEnvironmentVariable("TERM") ?? "xterm")] }, ct);
            }

            await using var stdin = Console.IsInputRedirected ? Console.OpenStandardInput() : null;
            await using var stdout = Console.OpenStandardOutput();
            await using var stderr = Console.OpenStandardError();
            return await node.RunAsync(new NodeCommand(argv) { Stdin = stdin, Stdout = stdout, Stderr = stderr }, ct);
        });
        return command;
    }
}
