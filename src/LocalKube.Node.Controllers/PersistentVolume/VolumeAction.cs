namespace LocalKube.Node.Controllers.PersistentVolume;

/// <summary>What the PV controller does for one volume.</summary>
/// <param name="Phase">The phase to set (Available, Bound, Released), when it changes.</param>
/// <param name="Unbind">Clear a claimRef the controller made to a claim bound elsewhere.</param>
internal sealed record VolumeAction(string? Phase = null, bool Unbind = false)
{
    /// <summary>Nothing to do.</summary>
    public static VolumeAction None { get; } = new();
}
