using k8s.Models;

namespace LocalKube.Node.Machinery.Resources;

/// <summary>
/// Amounts of the resources the scheduler and the kubelet's admission account for (kube-scheduler <c>framework.Resource</c>): CPU in
/// millicores, memory and ephemeral storage in bytes, the pod count, and scalar resources (extended resources,
/// hugepages) in their integer units.
/// </summary>
public sealed class ResourceAmounts
{
    /// <summary>CPU in millicores.</summary>
    public long MilliCpu { get; set; }

    /// <summary>Memory in bytes.</summary>
    public long Memory { get; set; }

    /// <summary>Ephemeral storage in bytes.</summary>
    public long EphemeralStorage { get; set; }

    /// <summary>How many pods fit (node allocatable <c>pods</c>); unused for pod requests.</summary>
    public long AllowedPodNumber { get; set; }

    /// <summary>Extended resources and hugepages by name; null while there are none.</summary>
    public Dictionary<string, long>? Scalars { get; private set; }

    /// <summary>Reads a resource list (requests or allocatable); unknown non-scalar names are ignored, as upstream.</summary>
    public static ResourceAmounts From(IDictionary<string, ResourceQuantity>? list)
    {
        var r = new ResourceAmounts();
        if (list is not null)
        {
            foreach (var (name, quantity) in list)
            {
                r.Set(name, quantity);
            }
        }

        return r;
    }

    /// <summary>Whether <paramref name="name"/> is accounted as a scalar resource (extended, hugepages, prefixed native, attachable volumes).</summary>
    public static bool IsScalarResourceName(string name) =>
        name.StartsWith("hugepages-", StringComparison.Ordinal)
        || name.StartsWith("attachable-volumes-", StringComparison.Ordinal)
        || name.Contains("kubernetes.io/", StringComparison.Ordinal)
        || IsExtendedResourceName(name);

    /// <summary>Extended resources: a domain-prefixed name outside <c>kubernetes.io/</c> (and not a quota <c>requests.</c> name).</summary>
    public static bool IsExtendedResourceName(string name) =>
        name.Contains('/', StringComparison.Ordinal)
        && !name.Contains("kubernetes.io/", StringComparison.Ordinal)
        && !name.StartsWith("requests.", StringComparison.Ordinal);

    /// <summary>Sets one resource from its quantity.</summary>
    public void Set(string name, ResourceQuantity? quantity)
    {
        switch (name)
        {
            case "cpu":
                MilliCpu = QuantityValues.MilliValue(quantity);
                break;
            case "memory":
                Memory = QuantityValues.Value(quantity);
                break;
            case "ephemeral-storage":
                EphemeralStorage = QuantityValues.Value(quantity);
                break;
            case "pods":
                AllowedPodNumber = QuantityValues.Value(quantity);
                break;
            default:
                if (IsScalarResourceName(name))
                {
                    SetScalar(name, QuantityValues.Value(quantity));
                }

                break;
        }
    }

    /// <summary>The amount of scalar resource <paramref name="name"/> (0 when absent).</summary>
    public long Scalar(string name) => Scalars is not null && Scalars.TryGetValue(name, out var v) ? v : 0;

    /// <summary>Sets a scalar resource.</summary>
    public void SetScalar(string name, long value)
    {
        Scalars ??= new Dictionary<string, long>(StringComparer.Ordinal);
        Scalars[name] = value;
    }

    /// <summary>Adds <paramref name="other"/> times <paramref name="sign"/> (+1 or −1).</summary>
    public void Add(ResourceAmounts other, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        MilliCpu = Sum(MilliCpu, sign * other.MilliCpu);
        Memory = Sum(Memory, sign * other.Memory);
        EphemeralStorage = Sum(EphemeralStorage, sign * other.EphemeralStorage);
        if (other.Scalars is null)
        {
            return;
        }

        foreach (var (name, value) in other.Scalars)
        {
            SetScalar(name, Sum(Scalar(name), sign * value));
        }
    }

    // Saturating: a pod may ask for "1e40" CPUs (read as long.MaxValue), and a wrapped sum would make a full node
    // look empty. Once saturated, removing such a pod undercounts the rest; only absurd requests get there.
    private static long Sum(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    /// <summary>Raises each resource to at least <paramref name="other"/>'s amount.</summary>
    public void Max(ResourceAmounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        MilliCpu = Math.Max(MilliCpu, other.MilliCpu);
        Memory = Math.Max(Memory, other.Memory);
        EphemeralStorage = Math.Max(EphemeralStorage, other.EphemeralStorage);
        if (other.Scalars is null)
        {
            return;
        }

        foreach (var (name, value) in other.Scalars)
        {
            SetScalar(name, Math.Max(Scalar(name), value));
        }
    }

    /// <summary>A copy.</summary>
    public ResourceAmounts Clone()
    {
        var copy = new ResourceAmounts { MilliCpu = MilliCpu, Memory = Memory, EphemeralStorage = EphemeralStorage, AllowedPodNumber = AllowedPodNumber };
        if (Scalars is not null)
        {
            copy.Scalars = new Dictionary<string, long>(Scalars, StringComparer.Ordinal);
        }

        return copy;
    }
}
