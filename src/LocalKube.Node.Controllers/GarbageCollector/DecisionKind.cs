namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>The kinds of <see cref="Decision"/>.</summary>
public enum DecisionKind
{
    /// <summary>Leave the object alone.</summary>
    Keep,

    /// <summary>Patch the listed owner references out.</summary>
    RemoveReferences,

    /// <summary>Delete the object (with a UID precondition).</summary>
    Delete,
}
