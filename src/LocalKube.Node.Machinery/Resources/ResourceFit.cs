namespace LocalKube.Node.Machinery.Resources;

/// <summary>
/// Whether a pod's requests fit a node beside what its pods already use (upstream's <c>noderesources.Fits</c>,
/// which the scheduler's filter and the kubelet's admission both call): the pod count first, then cpu, memory,
/// ephemeral storage and the scalar resources by name.
/// </summary>
public static class ResourceFit
{
    /// <summary>
    /// Every resource <paramref name="wanted"/> does not find on a node with <paramref name="capacity"/> (its
    /// allocatable) of which <paramref name="used"/> is taken by <paramref name="podCount"/> pods; null when all fit,
    /// so that a fitting pod allocates nothing.
    /// </summary>
    public static List<Shortfall>? Shortfalls(ResourceAmounts wanted, ResourceAmounts used, ResourceAmounts capacity, long podCount)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(capacity);
        List<Shortfall>? shortfalls = null;
        if (podCount + 1 > capacity.AllowedPodNumber)
        {
            (shortfalls ??= []).Add(new Shortfall(Pods, 1, podCount, capacity.AllowedPodNumber));
        }

        Check(ref shortfalls, "cpu", wanted.MilliCpu, used.MilliCpu, capacity.MilliCpu);
        Check(ref shortfalls, "memory", wanted.Memory, used.Memory, capacity.Memory);
        Check(ref shortfalls, "ephemeral-storage", wanted.EphemeralStorage, used.EphemeralStorage, capacity.EphemeralStorage);
        if (wanted.Scalars is not null)
        {
            foreach (var (name, amount) in wanted.Scalars.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                Check(ref shortfalls, name, amount, used.Scalar(name), capacity.Scalar(name));
            }
        }

        return shortfalls;
    }

    /// <summary>The resource name of the pod count.</summary>
    public const string Pods = "pods";

    private static void Check(ref List<Shortfall>? shortfalls, string name, long wanted, long used, long capacity)
    {
        if (wanted > 0 && wanted > capacity - used)
        {
            (shortfalls ??= []).Add(new Shortfall(name, wanted, used, capacity));
        }
    }

    /// <summary>One resource that does not fit: what the pod asks, what the node's pods use, what it has.</summary>
    public sealed record Shortfall(string Resource, long Requested, long Used, long Capacity);
}
