using System.CommandLine;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LocalKube.Cli;

/// <summary>What every command needs: the global flags, the services, and where to write.</summary>
public sealed class CliContext(GlobalOptions globals, Func<IServiceProvider> services, TextWriter stdout, TextWriter stderr, bool isTerminal)
{
    public GlobalOptions Globals { get; } = globals;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Whether <see cref="Error"/> is a terminal (progress bars go there, leaving stdout to scripts).</summary>
    public bool ErrorIsTerminal { get; init; }

    public ClusterManager Clusters => services().GetRequiredService<ClusterManager>();

    public T Get<T>() where T : notnull => services().GetRequiredService<T>();

    public string Profile(ParseResult result) => result.GetValue(Globals.Profile) ?? GlobalOptions.DefaultProfile;

    public OutputFormat Format(ParseResult result) => Globals.GetFormat(result);

    /// <summary>Spinners on a terminal, plain lines in pipes and logs, JSON events with <c>-o json</c>.</summary>
    public IStepReporter Reporter(ParseResult result) => Format(result) switch
    {
        OutputFormat.Json => new JsonReporter(Out),
        _ when isTerminal => new TtyReporter(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Out) })),
        _ => new PlainReporter(Out),
    };
}
