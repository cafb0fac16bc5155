using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.HyperV;

/// <summary>
/// The hyperv driver's health check, minikube's: Windows, PowerShell, the Hyper-V module, the hypervisor running, the
/// user an Administrator or a member of Hyper-V Administrators, and a switch to attach VMs to. Each failure carries its
/// reason and its fix, so <c>start</c> says what to do instead of half-creating a VM.
/// </summary>
public sealed class HyperVDriverProbe(HyperVDriverOptions options) : IDriverProbe
{
    private const string Documentation = "docs/drivers/hyperv.md";

    /// <inheritdoc />
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Platform != "windows")
        {
            return Failed(false, Reasons.DriverUnsupportedOs, "The hyperv driver requires Windows (Hyper-V is a Windows hypervisor).",
                "On Linux use the qemu or docker driver; on macOS the docker or qemu driver.");
        }

        if (PowerShell.Find(options) is not { } executable)
        {
            return Failed(false, Reasons.HyperVPowerShellNotFound, "PowerShell was not found on the PATH.");
        }

        var shell = new PowerShell(executable);
        var checks = new HyperVChecks(shell);
        if (!await checks.ModuleAvailableAsync(cancellationToken).ConfigureAwait(false))
        {
            return Failed(false, Reasons.HyperVNotInstalled, "The Hyper-V PowerShell module is not available.");
        }

        if (!await checks.HypervisorPresentAsync(cancellationToken).ConfigureAwait(false))
        {
            return Failed(false, Reasons.HyperVNotInstalled, "Hyper-V is not enabled: Win32_ComputerSystem.HypervisorPresent is not True.");
        }

        if (!await checks.IsAdministratorAsync(cancellationToken).ConfigureAwait(false))
        {
            return Failed(true, Reasons.HyperVNotAdministrator,
                "Hyper-V requires Administrator privileges: this user is neither an Administrator nor in 'Hyper-V Administrators'.");
        }

        try
        {
            await new HyperVSwitches(shell).ChooseAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (LocalKubeException e) when (e.Reason == Reasons.HyperVNoSwitch)
        {
            return Failed(true, Reasons.HyperVNoSwitch, e.Message);
        }

        return DriverHealth.Ok(null);
    }

    private static DriverHealth Failed(bool installed, Reason reason, string error, string? fix = null) =>
        DriverHealth.Failed(installed, reason, error, fix, Documentation);
}
