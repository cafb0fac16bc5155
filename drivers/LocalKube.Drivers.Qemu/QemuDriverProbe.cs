using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// The qemu driver's health check: Linux, qemu-system-x86_64 and qemu-img on PATH, and the emulator answering
/// <c>--version</c>. It is cheap on purpose: the accelerator (KVM or TCG) is chosen by a probe boot when a machine
/// boots, not here, so a host without KVM still counts as healthy (it runs under TCG, only slower).
/// </summary>
public sealed class QemuDriverProbe(QemuDriverOptions options) : IDriverProbe
{
    private const string Documentation = "docs/drivers/qemu.md";

    /// <inheritdoc />
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux())
        {
            return DriverHealth.Failed(false, Reasons.DriverUnsupportedOs, "The qemu driver runs on Linux only for now.",
                "Use the docker driver: 'localkube start --driver=docker'.", Documentation);
        }

        var (system, img) = QemuBinaries.Find(options);
        if (system is null || img is null)
        {
            return DriverHealth.Failed(false, Reasons.QemuNotFound, QemuBinaries.MissingMessage(system, img), documentation: Documentation);
        }

        try
        {
            // "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
            var result = await Cli.Wrap(system).WithArguments(["--version"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                return Broken($"'{system} --version' exited with {result.ExitCode}: {result.StandardError.Trim()}");
            }

            var words = result.StandardOutput.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(words, "version");
            return DriverHealth.Ok(at >= 0 && at + 1 < words.Length ? words[at + 1] : null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Broken($"'{system}' cannot be run: {e.Message}");
        }
    }

    private static DriverHealth Broken(string error) => DriverHealth.Failed(true, Reasons.QemuError, error, documentation: Documentation);
}
