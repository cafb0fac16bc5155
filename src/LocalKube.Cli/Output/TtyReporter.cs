using System.Diagnostics;
using LocalKube.Core.Cluster;
using Spectre.Console;

namespace LocalKube.Cli.Output;

/// <summary>On a terminal: a spinner per step that shows the latest progress line, then a tick with the duration.</summary>
public sealed class TtyReporter(IAnsiConsole console) : IStepReporter
{
    public async Task<T> StepAsync<T>(StepInfo step, Func<IProgress<string>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var title = Markup.Escape(step.Name);
        T result = default!;
        try
        {
            await console.Status()
                .Spinner(Spinner.Known.Dots)
                .StartAsync(title, async context =>
                {
                    var progress = new SyncProgress(line => context.Status($"{title} [grey]{Markup.Escape(Trim(line))}[/]"));
                    result = await work(progress, cancellationToken);
                });
        }
        catch
        {
            console.MarkupLine($"[red]✗[/] {title} [grey]({Durations.Format(clock.Elapsed)})[/]");
            throw;
        }

        console.MarkupLine($"[green]✓[/] {title} [grey]({Durations.Format(clock.Elapsed)})[/]");
        return result;
    }

    public void Info(string message) => console.MarkupLine(Markup.Escape(message));

    public void Warning(string message) => console.MarkupLine($"[yellow]![/] {Markup.Escape(message)}");

    private static string Trim(string line) => line.Length > 60 ? line[..57] + "..." : line;
}
