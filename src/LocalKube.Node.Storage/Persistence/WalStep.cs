namespace LocalKube.Node.Storage.Persistence;

/// <summary>The file operations of the WAL and its snapshots, each a point where a fault can strike (and be injected).</summary>
internal enum WalStep
{
    /// <summary>Writing a batch of records to the open segment.</summary>
    Write,

    /// <summary>fsync of the segment after a batch.</summary>
    Fsync,

    /// <summary>Creating the next segment when a snapshot starts.</summary>
    Rotate,

    /// <summary>Writing (and fsyncing) a snapshot's temporary file.</summary>
    SnapshotWrite,

    /// <summary>Renaming the snapshot's temporary file to its final name.</summary>
    SnapshotRename,

    /// <summary>fsync of the data folder after a new file or a rename.</summary>
    DirectorySync,
}
