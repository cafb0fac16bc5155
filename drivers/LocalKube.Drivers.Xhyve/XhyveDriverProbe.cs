using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Xhyve;

/// <summary>
/// The xhyve driver's health check (minikube's for hyperkit): macOS, the hyperkit binary answering <c>-v</c>, and
/// root or a setuid hyperkit for vmnet.
/// </summary>
public sealed class XhyveDriverProbe(XhyveDriverOptions options) : IDriverProbe
{
    private const string Documentation = "docs/drivers/xhyve.md";

    /// <inheritdoc />
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Platform != "osx")
        {
            return Failed(false, Reasons.DriverUnsupportedOs, "The xhyve (hyperkit) driver requires macOS.",
                "On Linux use the qemu or docker driver; on Windows the hyperv or docker driver.");
        }

        if (Hyperkit.Find(options) is not { } hyperkit)
        {
            return Failed(false, Reasons.HyperkitNotFound, "hyperkit was not found on the PATH.");
        }

        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap(hyperkit).WithArguments(["-v"]).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(true, Reasons.HyperkitError, $"'{hyperkit} -v' cannot be run: {e.Message}");
        }

        if (result.ExitCode != 0)
        {
            return Failed(true, Reasons.HyperkitError, $"'{hyperkit} -v' failed: {(result.StandardError + result.StandardOutput).Trim()}");
        }

        if (Hyperkit.PermissionProblem(hyperkit, options) is { } problem)
        {
            return Failed(true, Reasons.HyperkitPermission, problem, $"sudo chown root:wheel {hyperkit} && sudo chmod u+s {hyperkit}");
        }

        // "hyperkit: v0.20200224-44-gb54460" or "hyperkit: 0.20190201"
        var first = (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var version = first.Contains(": ", StringComparison.Ordinal) ? first[(first.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim() : null;
        return DriverHealth.Ok(version);
    }

    private static DriverHealth Failed(bool installed, Reason reason, string error, string? fix = null) =>
        DriverHealth.Failed(installed, reason, error, fix, Documentation);
}
