using System.Globalization;
using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The kubelet's own admission of a new pod (upstream's predicate admit handler, resource part): a pod bound to the
/// node without the scheduler (<c>spec.nodeName</c> set by hand, a DaemonSet-style controller, a stale binding) must
/// still fit beside the pods the node already runs. A pod that does not fit is rejected once, before anything of it
/// runs: phase Failed, reason <c>OutOf&lt;resource&gt;</c>.
/// </summary>
/// <remarks>
/// Only the first shortfall is reported, as upstream. Critical pods (static pods, and the system priority classes)
/// are admitted without the resource check: upstream would evict lower-priority pods to make room for them, which
/// this kubelet does not do.
/// </remarks>
internal static class PodAdmission
{
    /// <summary>Pods at or above this priority are critical (upstream's <c>SystemCriticalPriority</c>).</summary>
    public const int SystemCriticalPriority = 2_000_000_000;

    /// <summary>
    /// Why <paramref name="pod"/> cannot run beside the <paramref name="active"/> pods (those that still hold their
    /// resources, of the <paramref name="known"/> pods the kubelet has) on a node with <paramref name="allocatable"/>;
    /// null when it fits (or when the node's allocatable is not known yet).
    /// </summary>
    /// <remarks>
    /// Upstream adds up every active pod at each admission; with thousands of (simulated) pods that is quadratic, so
    /// the sums are only made when they can decide: the count when all known pods would not fit, the resources when
    /// the pod asks for any.
    /// </remarks>
    public static Rejection? Check(V1Pod pod, int known, Func<IEnumerable<V1Pod>> active, IDictionary<string, ResourceQuantity> allocatable)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(active);
        if (allocatable is not { Count: > 0 } || IsCritical(pod))
        {
            return null;
        }

        var capacity = ResourceAmounts.From(allocatable);
        if (!allocatable.ContainsKey("pods"))
        {
            capacity.AllowedPodNumber = long.MaxValue;
        }

        // Every known pod counts while that cannot decide; the sums only when the pod asks for something.
        var count = known + 1 > capacity.AllowedPodNumber ? active().Count() : known;
        var wanted = PodRequests.Compute(pod.Spec);
        var asks = wanted.MilliCpu > 0 || wanted.Memory > 0 || wanted.EphemeralStorage > 0 || wanted.Scalars?.Values.Any(v => v > 0) == true;
        var used = new ResourceAmounts();
        foreach (var other in asks ? active() : [])
        {
            used.Add(PodRequests.Compute(other.Spec));
        }

        return ResourceFit.Shortfalls(wanted, used, capacity, count) is [var first, ..]
            ? new Rejection(
                "OutOf" + first.Resource,
                string.Create(CultureInfo.InvariantCulture, $"Node didn't have enough resource: {first.Resource}, requested: {first.Requested}, used: {first.Used}, capacity: {first.Capacity}"))
            : null;
    }

    /// <summary>The status of a rejected pod: all the kubelet ever writes for it.</summary>
    public static V1PodStatus RejectedStatus(V1Pod pod, Rejection rejection) => new()
    {
        Phase = "Failed",
        Reason = rejection.Reason,
        Message = "Pod was rejected: " + rejection.Message,
        QosClass = Containers.QosClass.Of(pod.Spec ?? new V1PodSpec()),
    };

    private static bool IsCritical(V1Pod pod) => PodManager.IsStatic(pod) || pod.Spec?.Priority >= SystemCriticalPriority;

    /// <summary>A rejection: the pod's status reason (also the event's) and the shortfall.</summary>
    public sealed record Rejection(string Reason, string Message);
}
