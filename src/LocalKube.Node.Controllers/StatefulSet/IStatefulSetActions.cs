using k8s.Models;

namespace LocalKube.Node.Controllers.StatefulSet;

/// <summary>The reads (from the caches) and writes of a StatefulSet sync.</summary>
public interface IStatefulSetActions
{
    /// <summary>Creates a pod; throws the API error.</summary>
    Task CreatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Updates a pod (identity, storage); throws the API error.</summary>
    Task UpdatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Deletes a pod; throws the API error.</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>The cached claim, if any.</summary>
    V1PersistentVolumeClaim? GetClaim(string ns, string name);

    /// <summary>Creates a claim; throws the API error.</summary>
    Task CreateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken);

    /// <summary>Updates a claim (owner references); throws the API error.</summary>
    Task UpdateClaimAsync(V1PersistentVolumeClaim claim, CancellationToken cancellationToken);

    /// <summary>Creates a revision; throws the API error (AlreadyExists included).</summary>
    Task<V1ControllerRevision> CreateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Reads a revision from the server (after AlreadyExists).</summary>
    Task<V1ControllerRevision> GetRevisionAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Updates a revision (its number); returns the stored one.</summary>
    Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Deletes a revision.</summary>
    Task DeleteRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Writes the set's status.</summary>
    Task UpdateStatusAsync(V1StatefulSet set, CancellationToken cancellationToken);

    /// <summary>Records an event on the set.</summary>
    void Event(V1StatefulSet set, string type, string reason, string message);
}
