namespace LocalKube.Cli.Output;

/// <summary>Progress lines reported on the caller's thread, in order (see <see cref="SyncProgress{T}"/>).</summary>
public sealed class SyncProgress(Action<string> report) : SyncProgress<string>(report);
