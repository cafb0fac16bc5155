using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// A consistent picture of the store for a snapshot: header plus every retained version per key, oldest first.
/// The versions are shared immutable objects; only the arrays are copies.
/// </summary>
internal sealed record StoreState(SnapshotHeader Header, IReadOnlyList<KeyValue[]> Keys);
