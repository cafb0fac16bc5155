using System.Globalization;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Output;

/// <summary>
/// <c>-o json</c>: one CloudEvents object per line, like minikube's <c>start -o json</c>: <c>io.localkube.step</c>
/// events with currentstep/totalsteps/name, plus <c>.info</c>, <c>.warning</c> and <c>.error</c>.
/// </summary>
public sealed class JsonReporter(TextWriter output) : IStepReporter
{
    private readonly Lock _gate = new();

    public async Task<T> StepAsync<T>(StepInfo step, Func<IProgress<string>, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        Emit(output, _gate, "step", new Dictionary<string, string>
        {
            ["currentstep"] = step.Current.ToString(CultureInfo.InvariantCulture),
            ["totalsteps"] = step.Total.ToString(CultureInfo.InvariantCulture),
            ["name"] = step.Name,
            ["message"] = step.Name,
        });
        return await work(new SyncProgress(line => Info(line)), cancellationToken);
    }

    public void Info(string message) => Emit(output, _gate, "info", new Dictionary<string, string> { ["message"] = message });

    public void Warning(string message) => Emit(output, _gate, "warning", new Dictionary<string, string> { ["message"] = message });

    /// <summary>The error event that ends a failed command.</summary>
    public static void Error(TextWriter output, Reason reason, string message) =>
        Emit(output, new Lock(), "error", new Dictionary<string, string>
        {
            ["name"] = reason.Id,
            ["exitcode"] = reason.ExitCode.ToString(CultureInfo.InvariantCulture),
            ["message"] = message,
            ["advice"] = reason.Advice,
        });

    private static void Emit(TextWriter output, Lock gate, string type, Dictionary<string, string> data)
    {
        var cloudEvent = new CloudEvent("1.0", Guid.NewGuid().ToString(), "https://localkube.io/", $"io.localkube.{type}", "application/json", data);
        var line = System.Text.Json.JsonSerializer.Serialize(cloudEvent, CliJsonContext.Default.CloudEvent);
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
