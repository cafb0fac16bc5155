using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>What kind of change reached the graph.</summary>
public enum GraphChangeType
{
    /// <summary>An object was added.</summary>
    Add,

    /// <summary>An object changed.</summary>
    Update,

    /// <summary>An object was deleted (observed, or a virtual owner proven absent).</summary>
    Delete,
}

/// <summary>
/// One change of one object's metadata, as the graph builder consumes it.
/// </summary>
/// <param name="Type">Add, update or delete.</param>
/// <param name="Identity">The object's coordinates.</param>
/// <param name="Metadata">The object's metadata (owner references, deletionTimestamp, finalizers).</param>
/// <param name="Old">The previous metadata of an update, when known.</param>
/// <param name="Virtual">A delete the collector generated after proving a virtual owner absent.</param>
public sealed record GraphChange(GraphChangeType Type, ObjectIdentity Identity, V1ObjectMeta Metadata, V1ObjectMeta? Old = null, bool Virtual = false);
