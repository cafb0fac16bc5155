using System.Text.Json;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.HyperV;

/// <summary>
/// Picks the virtual switch, as minikube does: the one named by <c>--hyperv-virtual-switch</c> (external switches
/// first when names repeat), else the Default Switch, else an external switch.
/// </summary>
internal sealed class HyperVSwitches(PowerShell shell)
{
    /// <summary>The switch to use.</summary>
    /// <exception cref="LocalKubeException">
    /// <see cref="Reasons.HyperVSwitchNotFound"/> for an unknown name, <see cref="Reasons.HyperVNoSwitch"/> when there is none.
    /// </exception>
    public async Task<string> ChooseAsync(string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var named = await ListAsync(
                $"Where-Object {{$_.Name -eq {PowerShell.Quote(requested)}}}|Sort-Object -Property SwitchType -Descending", cancellationToken).ConfigureAwait(false);
            return named.Count > 0
                ? named[0]
                : throw new LocalKubeException(Reasons.HyperVSwitchNotFound, $"The Hyper-V virtual switch '{requested}' was not found.");
        }

        // SwitchType: 0 private, 1 internal, 2 external; the Default Switch is an internal switch with a fixed id.
        var candidates = await ListAsync(
            $"Where-Object {{($_.SwitchType -eq 'External') -or ($_.Id -eq '{HyperVDriverOptions.DefaultSwitchId}')}}|Sort-Object -Property SwitchType",
            cancellationToken).ConfigureAwait(false);
        return candidates.Count > 0
            ? candidates[0]
            : throw new LocalKubeException(Reasons.HyperVNoSwitch, "There is neither a Default Switch nor an external virtual switch.");
    }

    private async Task<List<string>> ListAsync(string filters, CancellationToken cancellationToken)
    {
        var json = await shell.RunAsync(
            $"[Console]::OutputEncoding = [Text.Encoding]::UTF8; ConvertTo-Json @(Hyper-V\\Get-VMSwitch|Select Id, Name, SwitchType|{filters})",
            cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
            var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
            return [.. items.Select(s => s.GetProperty("Name").GetString()).OfType<string>()];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LocalKubeException(Reasons.HyperVError, $"Unexpected answer listing the virtual switches: {json}", e);
        }
    }
}
