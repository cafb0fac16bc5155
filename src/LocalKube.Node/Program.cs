using System.CommandLine;
using LocalKube.Node;
using LocalKube.Node.Hosting;

// localkube-node: composition only (docs/design.md, "The agent's command line").
var root = new RootCommand("localkube-node: the LocalKube node agent")
{
    RunCommand.Create(),
    StorageCommand.Create(),
    VersionCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"localkube-node: {error.Message}");
    }

    return NodeExitStatus.InvalidUsage;
}

// The host's console lifetime owns SIGTERM/Ctrl+C and stops components gracefully within its shutdown timeout;
// System.CommandLine's own termination handling would race it and force an exit after two seconds.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, CancellationToken.None);
