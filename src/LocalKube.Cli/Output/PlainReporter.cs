using System.Diagnostics;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Output;

/// <summary>Plain lines for logs and pipes: a line when a step starts, its progress indented, a line when it ends.</summary>
public sealed class PlainReporter(TextWriter output) : IStepReporter
{
    public async Task<T> StepAsync<T>(StepInfo step, Func<IProgress<string>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        output.WriteLine($"* {step.Name} ...");
        var clock = Stopwatch.StartNew();
        var result = await work(new SyncProgress(line => output.WriteLine($"    {line}")), cancellationToken);
        output.WriteLine($"  done: {step.Name} ({Durations.Format(clock.Elapsed)})");
        return result;
    }

    public void Info(string message) => output.WriteLine(message);

    public void Warning(string message) => output.WriteLine($"! {message}");
}
