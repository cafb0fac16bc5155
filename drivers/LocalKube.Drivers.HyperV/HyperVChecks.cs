namespace LocalKube.Drivers.HyperV;

/// <summary>The prerequisite queries, with minikube's exact PowerShell expressions.</summary>
internal sealed class HyperVChecks(PowerShell shell)
{
    /// <summary>The Hyper-V PowerShell module is installed.</summary>
    public async Task<bool> ModuleAvailableAsync(CancellationToken cancellationToken) =>
        await FirstLineAsync("@(Get-Module -ListAvailable hyper-v).Name | Get-Unique", cancellationToken).ConfigureAwait(false) == "Hyper-V";

    /// <summary>The hypervisor runs (Hyper-V is enabled, not only installed).</summary>
    public async Task<bool> HypervisorPresentAsync(CancellationToken cancellationToken) =>
        await FirstLineAsync("@(Get-CimInstance Win32_ComputerSystem).HypervisorPresent", cancellationToken).ConfigureAwait(false) == "True";

    /// <summary>The user is a member of Hyper-V Administrators (S-1-5-32-578) or an Administrator.</summary>
    public async Task<bool> IsAdministratorAsync(CancellationToken cancellationToken) =>
        await FirstLineAsync(
            "@([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole(([System.Security.Principal.SecurityIdentifier]::new(\"S-1-5-32-578\")))",
            cancellationToken).ConfigureAwait(false) == "True"
        || await FirstLineAsync(
            "@([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole] \"Administrator\")",
            cancellationToken).ConfigureAwait(false) == "True";

    private async Task<string> FirstLineAsync(string script, CancellationToken cancellationToken)
    {
        var result = await shell.TryRunAsync(script, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? ""
            : "";
    }
}
