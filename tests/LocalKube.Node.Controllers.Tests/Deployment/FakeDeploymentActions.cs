using System.Globalization;
using System.Net;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.Controllers.Deployment;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Tests.Deployment;

/// <summary>An in-memory API for Deployment syncs: stores ReplicaSets and the Deployment, records events.</summary>
internal sealed class FakeDeploymentActions : IDeploymentActions
{
    private int _version;
    private int _created;

    public Dictionary<string, V1ReplicaSet> ReplicaSets { get; } = [];

    public List<string> Events { get; } = [];

    public List<string> Log { get; } = [];

    public V1Deployment? Stored { get; set; }

    public Func<V1ReplicaSet, Exception?>? FailCreate { get; set; }

    public Task<V1ReplicaSet> CreateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        if (FailCreate?.Invoke(replicaSet) is { } error)
        {
            throw error;
        }

        if (ReplicaSets.ContainsKey(replicaSet.Metadata.Name))
        {
            throw Error(HttpStatusCode.Conflict, "AlreadyExists", $"replicasets.apps \"{replicaSet.Metadata.Name}\" already exists");
        }

        var copy = ModelCopy.Clone(replicaSet);
        copy.Metadata.Uid = "uid-" + copy.Metadata.Name;
        copy.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(++_created);
        copy.Metadata.Generation = 1;
        copy.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
        copy.Status = new V1ReplicaSetStatus { ObservedGeneration = 1 };
        ReplicaSets[copy.Metadata.Name] = copy;
        Log.Add($"create {copy.Metadata.Name} {copy.Spec.Replicas}");
        return Task.FromResult(ModelCopy.Clone(copy));
    }

    public Task<V1ReplicaSet> UpdateReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        var stored = ReplicaSets[replicaSet.Metadata.Name];
        var copy = ModelCopy.Clone(replicaSet);
        copy.Status = stored.Status;
        copy.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
        if (stored.Spec.Replicas != copy.Spec.Replicas)
        {
            copy.Metadata.Generation = (stored.Metadata.Generation ?? 1) + 1;
            Log.Add($"scale {copy.Metadata.Name} {stored.Spec.Replicas}->{copy.Spec.Replicas}");
        }

        ReplicaSets[copy.Metadata.Name] = copy;
        return Task.FromResult(ModelCopy.Clone(copy));
    }

    public Task DeleteReplicaSetAsync(V1ReplicaSet replicaSet, CancellationToken cancellationToken)
    {
        ReplicaSets.Remove(replicaSet.Metadata.Name);
        Log.Add($"delete {replicaSet.Metadata.Name}");
        return Task.CompletedTask;
    }

    public V1ReplicaSet? GetReplicaSet(string ns, string name) => ReplicaSets.GetValueOrDefault(name);

    public Task<V1Deployment> UpdateStatusAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        Stored = ModelCopy.Clone(deployment);
        Stored.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
        return Task.FromResult(ModelCopy.Clone(Stored));
    }

    public void Event(V1Deployment deployment, string type, string reason, string message) => Events.Add($"{type} {reason} {message}");

    /// <summary>What the RS controller and kubelet would do: every RS's pods exist and are available.</summary>
    public void SettleAll(bool available = true)
    {
        foreach (var rs in ReplicaSets.Values)
        {
            var n = rs.Spec.Replicas ?? 0;
            rs.Status = new V1ReplicaSetStatus
            {
                Replicas = n,
                ReadyReplicas = available ? n : 0,
                AvailableReplicas = available ? n : 0,
                ObservedGeneration = rs.Metadata.Generation,
            };
        }
    }

    /// <summary>Owned ReplicaSets as the controller's cache would list them.</summary>
    public List<V1ReplicaSet> Owned() => ReplicaSets.Values.Select(ModelCopy.Clone).ToList();

    public static HttpOperationException Error(HttpStatusCode code, string reason, string message)
    {
        var body = $"{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"{message.Replace("\"", "\\\"", StringComparison.Ordinal)}\",\"reason\":\"{reason}\",\"code\":{(int)code}}}";
        return new HttpOperationException(message)
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), body),
        };
    }
}
