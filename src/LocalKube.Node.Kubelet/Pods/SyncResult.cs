namespace LocalKube.Node.Kubelet.Pods;

/// <summary>What a pod sync found out.</summary>
/// <param name="Terminal">The pod reached Succeeded or Failed: nothing of it will run again.</param>
/// <param name="RetryAt">The earliest time a back-off ends (sync again then), or null.</param>
internal sealed record SyncResult(bool Terminal, DateTimeOffset? RetryAt);
