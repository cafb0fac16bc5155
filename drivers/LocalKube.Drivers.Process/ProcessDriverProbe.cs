using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Process;

/// <summary>
/// Checks that the process driver can run here: Linux (it relies on /proc and POSIX signals) with <c>setsid</c>
/// (util-linux) on the PATH.
/// </summary>
public sealed class ProcessDriverProbe : IDriverProbe
{
    /// <inheritdoc />
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            return new DriverHealth(false, false,
                Error: "The process driver runs the node agent directly on the host, which needs Linux.",
                Fix: "Use the docker driver: 'localkube start --driver=docker'.",
                ReasonId: Reasons.DriverUnsupportedOs.Id);
        }

        if (FindOnPath("setsid") is not { } setsid)
        {
            return new DriverHealth(false, false,
                Error: "'setsid' was not found on the PATH.",
                Fix: "Install util-linux: 'sudo apt-get install -y util-linux'.",
                ReasonId: Reasons.DriverNotDetected.Id);
        }

        try
        {
            // "setsid from util-linux 2.38.1": the version is only informative, so any answer is healthy.
            var result = await Cli.Wrap(setsid).WithArguments(["--version"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
            var version = result.StandardOutput.Trim().Split(' ').LastOrDefault();
            return DriverHealth.Ok(string.IsNullOrEmpty(version) ? null : version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DriverHealth(true, false,
                Error: $"'{setsid}' cannot be run: {e.Message}",
                Fix: "Reinstall util-linux: 'sudo apt-get install --reinstall -y util-linux'.",
                ReasonId: Reasons.DriverNotDetected.Id);
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
