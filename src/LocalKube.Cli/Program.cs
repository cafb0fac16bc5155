using System.CommandLine;
using LocalKube.Cli;
using LocalKube.Cli.Commands;

// Composition only: the commands live in Commands/, the services in Core and the drivers.
var stdout = Console.Out;
var stderr = Console.Error;
var capableTerm = Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");
var isTerminal = !Console.IsOutputRedirected && capableTerm;

var globals = new GlobalOptions();
IServiceProvider? services = null;
var cli = new CliContext(globals, () => services ?? throw new InvalidOperationException("Services are not built yet."), stdout, stderr, isTerminal)
{
    ErrorIsTerminal = !Console.IsErrorRedirected && capableTerm,
};

var root = new RootCommand("localkube starts and manages a local Kubernetes cluster.");
globals.AddTo(root);
root.Subcommands.Add(StartCommand.Create(cli));
root.Subcommands.Add(StopCommand.Create(cli));
root.Subcommands.Add(DeleteCommand.Create(cli));
root.Subcommands.Add(StatusCommand.Create(cli));
root.Subcommands.Add(ProfileCommand.Create(cli));
root.Subcommands.Add(UpdateContextCommand.Create(cli));
root.Subcommands.Add(IpCommand.Create(cli));
root.Subcommands.Add(LogsCommand.Create(cli));
root.Subcommands.Add(DashboardCommand.Create(cli));
root.Subcommands.Add(ServiceCommand.Create(cli));
root.Subcommands.Add(TunnelCommand.Create(cli));
root.Subcommands.Add(KubectlCommand.Create(cli));
root.Subcommands.Add(VersionCommand.Create(cli));
root.Subcommands.Add(NodeImageCommand.Create(cli));
root.Subcommands.Add(ImageCommand.Create(cli));
root.Subcommands.Add(SshCommand.Create(cli));
root.Subcommands.Add(DockerEnvCommand.Create(cli));

var parsed = root.Parse(args);
var verbose = parsed.GetValue(globals.Verbose);
var handler = new ExceptionHandler(stdout, stderr);
if (parsed.Errors.Count > 0)
{
    // System.CommandLine would exit 1; minikube's usage errors exit 14 and name the flag.
    foreach (var error in parsed.Errors)
    {
        stderr.WriteLine($"Error: {error.Message}");
    }

    stderr.WriteLine("Run 'localkube --help' for usage.");
    return LocalKube.Abstractions.Errors.Reasons.Usage.ExitCode;
}

try
{
    var format = globals.GetFormat(parsed);
    using var host = CliServices.Build(verbose, stderr);
    services = host.Services;
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    var format = GlobalOptions.ParseFormatOrText(parsed.GetValue(globals.Output));
    return handler.Handle(e, format, verbose);
}
