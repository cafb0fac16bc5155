using System.Text;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.HyperV;

/// <summary>
/// Runs Hyper-V cmdlets the way minikube does: <c>powershell.exe -NoProfile -NonInteractive -Command &lt;script&gt;</c>,
/// one process per command, output read as lines. Values are put in single quotes (PowerShell's literal strings).
/// </summary>
internal sealed class PowerShell(string executable)
{
    /// <summary>The PowerShell program.</summary>
    public string Executable => executable;

    /// <summary>PowerShell on PATH (<c>powershell.exe</c>, then <c>pwsh</c>), or the configured one; null when none.</summary>
    public static string? Find(HyperVDriverOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PowerShellPath))
        {
            return File.Exists(options.PowerShellPath) ? options.PowerShellPath : null;
        }

        var path = options.GetEnvironmentVariable("PATH") ?? "";
        return new[] { "powershell.exe", "pwsh.exe", "pwsh" }
            .SelectMany(name => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(folder => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>A PowerShell single-quoted literal (a quote inside is doubled).</summary>
    public static string Quote(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>Runs <paramref name="script"/> and returns its trimmed output; null exit code 0 is required.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.HyperVError"/> with the cmdlet's error text.</exception>
    public async Task<string> RunAsync(string script, CancellationToken cancellationToken)
    {
        var result = await TryRunAsync(script, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? result.StandardOutput.Trim()
            : throw new LocalKubeException(Classify(result.StandardError), $"'{script}' failed: {FirstLines(result.StandardError)}");
    }

    /// <summary>Runs <paramref name="script"/> and returns whatever happened.</summary>
    public async Task<BufferedCommandResult> TryRunAsync(string script, CancellationToken cancellationToken) =>
        await Cli.Wrap(executable)
            .WithArguments(["-NoProfile", "-NonInteractive", "-Command", script])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>minikube's known Hyper-V failures, recognised in a cmdlet's error text.</summary>
    public static Reason Classify(string error) =>
        error.Contains("requires elevation", StringComparison.OrdinalIgnoreCase)
        || error.Contains("have to be run as an Administrator", StringComparison.OrdinalIgnoreCase)
            ? Reasons.HyperVNotAdministrator
            : error.Contains("MethodInvocationNotSupportedInConstrainedLanguage", StringComparison.Ordinal)
                ? Reasons.HyperVNotAdministrator
                : Reasons.HyperVError;

    private static string FirstLines(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));
}
