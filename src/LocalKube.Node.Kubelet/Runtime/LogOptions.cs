namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>Which log records to read (kubectl logs flags; the caller applies limitBytes and formatting).</summary>
/// <param name="Follow">Keep reading new records until the container stops.</param>
/// <param name="Since">Only records at or after this time.</param>
/// <param name="TailLines">Only the last N records; null for all.</param>
public sealed record LogOptions(bool Follow = false, DateTimeOffset? Since = null, int? TailLines = null);
