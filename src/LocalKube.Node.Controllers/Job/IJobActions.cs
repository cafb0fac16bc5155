using k8s.Models;

namespace LocalKube.Node.Controllers.Job;

/// <summary>The writes of a Job sync, and the Job's create/delete and finalizer-removal expectations.</summary>
public interface IJobActions
{
    /// <summary>Creates a pod; returns the stored pod.</summary>
    Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Deletes a pod; throws the API error.</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Removes the tracking finalizer from a pod; throws the API error (NotFound is success).</summary>
    Task RemoveTrackingFinalizerAsync(V1Pod pod, CancellationToken cancellationToken);

    /// <summary>Writes the Job's status; returns the stored Job.</summary>
    Task<V1Job> UpdateStatusAsync(V1Job job, CancellationToken cancellationToken);

    /// <summary>Records an event on the Job.</summary>
    void Event(V1Job job, string type, string reason, string message);

    /// <summary>Expect this many pod adds.</summary>
    void ExpectCreations(int count);

    /// <summary>One expected add will not come.</summary>
    void CreationObserved();

    /// <summary>Expect this many pod deletes.</summary>
    void ExpectDeletions(int count);

    /// <summary>One expected delete will not come.</summary>
    void DeletionObserved();

    /// <summary>Expect to see this pod without the finalizer (so it is never counted twice).</summary>
    void ExpectFinalizerRemoved(string podUid);

    /// <summary>The finalizer removal of this pod failed: stop expecting it.</summary>
    void FinalizerRemovalFailed(string podUid);
}
