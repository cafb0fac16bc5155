namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>What an owner reference resolves to (upstream's <c>classifyReferences</c>).</summary>
public enum OwnerState
{
    /// <summary>The owner exists and is not waiting for its dependents.</summary>
    Solid,

    /// <summary>No object with that name and UID exists where the reference points (404 or UID mismatch).</summary>
    Dangling,

    /// <summary>The owner is being deleted in the foreground, waiting for its dependents.</summary>
    Waiting,
}
