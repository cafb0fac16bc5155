using k8s.Models;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>The writes a Deployment sync makes; the controller backs them with its API client and recorder.</summary>
public interface IDeploymentActions
{
    /// <summary>Creates a ReplicaSet; throws the API error (e.g. AlreadyExists).</summary>
    Task<V1ReplicaSet> CreateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken);

    /// <summary>Updates a ReplicaSet (spec and metadata) with its resourceVersion as precondition.</summary>
    Task<V1ReplicaSet> UpdateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken);

    /// <summary>Deletes a ReplicaSet (NotFound is success).</summary>
    Task DeleteReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken);

    /// <summary>The cached ReplicaSet of that name, if any.</summary>
    V1ReplicaSet? GetReplicaSet(string ns, string name);

    /// <summary>
    /// Writes the Deployment's status, and its annotations when they changed (upstream's status update carries
    /// the revision annotation). Returns the stored object.
    /// </summary>
    Task<V1Deployment> UpdateStatusAsync(V1Deployment deployment, CancellationToken cancellationToken);

    /// <summary>Records an event on the Deployment.</summary>
    void Event(V1Deployment deployment, string type, string reason, string message);
}
