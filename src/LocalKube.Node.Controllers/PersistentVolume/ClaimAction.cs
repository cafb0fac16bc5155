using k8s.Models;

namespace LocalKube.Node.Controllers.PersistentVolume;

/// <summary>What the PV controller does for one claim.</summary>
/// <param name="BindTo">A volume to bind the claim to (claimRef first, then the claim).</param>
/// <param name="ProvisionWith">Annotate the claim for this external provisioner.</param>
/// <param name="Phase">The claim phase to set (Pending, Bound or Lost), when it changes.</param>
/// <param name="Event">An event to record on the claim: (type, reason, message).</param>
internal sealed record ClaimAction(V1PersistentVolume? BindTo = null, string? ProvisionWith = null, string? Phase = null, (string Type, string Reason, string Message)? Event = null)
{
    /// <summary>Nothing to do.</summary>
    public static ClaimAction None { get; } = new();
}
