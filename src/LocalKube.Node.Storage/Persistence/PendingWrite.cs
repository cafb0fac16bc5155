namespace LocalKube.Node.Storage.Persistence;

/// <summary>A record waiting for the group commit; <see cref="Done"/> completes once it is on disk (fsync).</summary>
internal sealed record PendingWrite(long Seq, WalRecord Record, long Revision, TaskCompletionSource Done);
