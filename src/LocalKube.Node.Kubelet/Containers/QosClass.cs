using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// A pod's QoS class (<c>k8s: pkg/apis/core/v1/helper/qos</c>) and the oom_score_adj it gives its containers
/// (<c>k8s: pkg/kubelet/qos/policy.go</c>).
/// </summary>
public static class QosClass
{
    /// <summary>Every container has cpu and memory limits equal to its requests.</summary>
    public const string Guaranteed = "Guaranteed";

    /// <summary>Anything between.</summary>
    public const string Burstable = "Burstable";

    /// <summary>No container sets any request or limit.</summary>
    public const string BestEffort = "BestEffort";

    /// <summary>The class of <paramref name="spec"/> (init containers included).</summary>
    public static string Of(V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var requests = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var isGuaranteed = true;
        foreach (var container in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
        {
            foreach (var (name, q) in container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>())
            {
                if (name is "cpu" or "memory" && QuantityValues.Decimal(q) > 0)
                {
                    requests[name] = requests.GetValueOrDefault(name) + QuantityValues.Decimal(q);
                }
            }

            var containerLimits = 0;
            foreach (var (name, q) in container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>())
            {
                if (name is "cpu" or "memory" && QuantityValues.Decimal(q) > 0)
                {
                    containerLimits++;
                    limits[name] = limits.GetValueOrDefault(name) + QuantityValues.Decimal(q);
                }
            }

            if (containerLimits < 2)
            {
                isGuaranteed = false;
            }
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return BestEffort;
        }

        if (isGuaranteed && requests.Count == limits.Count && requests.All(r => limits.TryGetValue(r.Key, out var l) && l == r.Value))
        {
            return Guaranteed;
        }

        return Burstable;
    }

    /// <summary>oom_score_adj for a container of a pod of <paramref name="qosClass"/>.</summary>
    public static int OomScoreAdj(string qosClass, V1Container container, long nodeMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(container);
        switch (qosClass)
        {
            case Guaranteed:
                return -997;
            case BestEffort:
                return 1000;
        }

        var request = container.Resources?.Requests?.TryGetValue("memory", out var q) == true ? QuantityValues.Decimal(q) : 0m;
        if (nodeMemoryBytes <= 0)
        {
            return 999;
        }

        var adj = 1000 - (int)(1000 * request / nodeMemoryBytes);
        return Math.Clamp(adj, 3, 999);
    }
}
