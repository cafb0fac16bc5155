using k8s.Models;

namespace LocalKube.Node.Controllers.ReplicaSet;

/// <summary>
/// The writes of one ReplicaSet (or ReplicationController) sync, bound to that owner: pods, status, events and
/// the owner's create/delete expectations.
/// </summary>
public interface IReplicaSetActions
{
    /// <summary>Creates a pod (generateName); returns the stored pod.</summary>
    Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Deletes a pod; throws the API error (NotFound included).</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Writes the owner's status (the view's status converted back for a ReplicationController).</summary>
    Task<V1ReplicaSet> UpdateStatusAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken);

    /// <summary>Records an event on the owner.</summary>
    void Event(string type, string reason, string message);

    /// <summary>Expect <paramref name="count"/> pod adds before the next create or delete.</summary>
    void ExpectCreations(int count);

    /// <summary>One expected add will never be observed (its create failed or was skipped).</summary>
    void CreationObserved();

    /// <summary>Expect these pods (namespace/name) to be deleted.</summary>
    void ExpectDeletions(IReadOnlyList<string> podKeys);

    /// <summary>One expected delete will never be observed (its delete failed).</summary>
    void DeletionObserved(string podKey);
}
