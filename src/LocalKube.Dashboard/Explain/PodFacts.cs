using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>Everything the explainer looks at for one pod, fetched by <see cref="Explainer"/> (or made up by a test).</summary>
public sealed record PodFacts(V1Pod Pod)
{
    /// <summary>The pod's events, any order.</summary>
    public IReadOnlyList<Corev1Event> Events { get; init; } = [];

    /// <summary>The cluster's nodes.</summary>
    public IReadOnlyList<V1Node> Nodes { get; init; } = [];

    /// <summary>Per node, the CPU (cores) and memory (bytes) that the pods already on it request.</summary>
    public IReadOnlyDictionary<string, (decimal Cpu, decimal Memory)> RequestedOnNode { get; init; } = new Dictionary<string, (decimal, decimal)>();

    /// <summary>ConfigMaps, Secrets, keys and claims the spec needs that do not exist.</summary>
    public IReadOnlyList<MissingReference> Missing { get; init; } = [];

    /// <summary>The pod's claims that exist (a Pending one explains a pod stuck in ContainerCreating).</summary>
    public IReadOnlyList<V1PersistentVolumeClaim> Claims { get; init; } = [];

    /// <summary>The last lines of each crashing container's previous instance.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PreviousLogs { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Why the previous logs could not be read, per container (no kubelet yet, say).</summary>
    public IReadOnlyDictionary<string, string> LogErrors { get; init; } = new Dictionary<string, string>();

    /// <summary>Now, for "since" phrases.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}
