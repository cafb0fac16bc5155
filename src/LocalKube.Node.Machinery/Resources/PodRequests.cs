using k8s.Models;

namespace LocalKube.Node.Machinery.Resources;

/// <summary>
/// What a pod asks of a node (component-helpers <c>resource.PodRequests</c>): the app containers plus sidecars
/// (restartable init containers), or the largest init container step if that is bigger, plus the pod overhead.
/// The API server has already defaulted missing requests from limits.
/// </summary>
public static class PodRequests
{
    /// <summary>CPU assumed for a container without a CPU request, for scoring only (100m).</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>Memory assumed for a container without a memory request, for scoring only (200 MiB).</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    /// <summary>The pod's effective requests.</summary>
    public static ResourceAmounts Compute(V1PodSpec? spec) => Compute(spec, nonZero: false);

    /// <summary>
    /// The pod's effective requests with unset CPU and memory requests counted as the defaults above, so that many
    /// request-less pods do not all look free to the scoring plugins.
    /// </summary>
    public static ResourceAmounts ComputeNonZero(V1PodSpec? spec) => Compute(spec, nonZero: true);

    private static ResourceAmounts Compute(V1PodSpec? spec, bool nonZero)
    {
        var total = new ResourceAmounts();
        if (spec is null)
        {
            return total;
        }

        foreach (var c in spec.Containers ?? [])
        {
            total.Add(ContainerRequests(c, nonZero));
        }

        var sidecars = new ResourceAmounts();
        var initMax = new ResourceAmounts();
        foreach (var c in spec.InitContainers ?? [])
        {
            var requests = ContainerRequests(c, nonZero);
            if (c.RestartPolicy == "Always")
            {
                // A sidecar runs for the pod's whole life, and alongside every init container after it.
                total.Add(requests);
                sidecars.Add(requests);
                requests = sidecars.Clone();
            }
            else
            {
                requests.Add(sidecars);
            }

            initMax.Max(requests);
        }

        total.Max(initMax);
        if (spec.Overhead is { Count: > 0 } overhead)
        {
            total.Add(ResourceAmounts.From(overhead));
        }

        return total;
    }

    private static ResourceAmounts ContainerRequests(V1Container container, bool nonZero)
    {
        var requests = container.Resources?.Requests;
        var r = ResourceAmounts.From(requests);
        if (nonZero)
        {
            if (requests is null || !requests.ContainsKey("cpu"))
            {
                r.MilliCpu = DefaultMilliCpuRequest;
            }

            if (requests is null || !requests.ContainsKey("memory"))
            {
                r.Memory = DefaultMemoryRequest;
            }
        }

        return r;
    }
}
