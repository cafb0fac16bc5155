using k8s.Models;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>The reads and writes of a DaemonSet sync, and the set's expectations.</summary>
public interface IDaemonSetActions
{
    /// <summary>Creates a pod; returns the stored pod.</summary>
    Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Deletes a pod; throws the API error.</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Creates a revision; throws the API error (AlreadyExists included).</summary>
    Task<V1ControllerRevision> CreateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Reads a revision from the server.</summary>
    Task<V1ControllerRevision> GetRevisionAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Updates a revision; returns the stored one.</summary>
    Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Deletes a revision.</summary>
    Task DeleteRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken);

    /// <summary>Reads the DaemonSet from the server (collision handling).</summary>
    Task<V1DaemonSet> GetDaemonSetAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Writes the DaemonSet's status.</summary>
    Task UpdateStatusAsync(V1DaemonSet ds, CancellationToken cancellationToken);

    /// <summary>Records an event on the DaemonSet.</summary>
    void Event(V1DaemonSet ds, string type, string reason, string message);

    /// <summary>Whether earlier creates and deletes have all been observed.</summary>
    bool ExpectationsSatisfied();

    /// <summary>Expect this many pod adds.</summary>
    void ExpectCreations(int count);

    /// <summary>One expected add will not come.</summary>
    void CreationObserved();

    /// <summary>Expect these pods (namespace/name) to be deleted.</summary>
    void ExpectDeletions(IReadOnlyList<string> podKeys);

    /// <summary>One expected delete will not come.</summary>
    void DeletionObserved(string podKey);
}
