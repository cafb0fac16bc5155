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
        if (allocatable.ContainsKey("pods") && known + 1 > capacity.AllowedPodNumber)
        {
            var count = active().Count();
            if (count + 1 > capacity.AllowedPodNumber)
            {
                return Short("pods", 1, count, capacity.AllowedPodNumber);
            }
        }

        var wanted = PodRequests.Compute(pod.Spec);
        if (wanted.MilliCpu <= 0 && wanted.Memory <= 0 && wanted.EphemeralStorage <= 0 && wanted.Scalars?.Values.Any(v => v > 0) != true)
        {
            return null;
        }

        var used = new ResourceAmounts();
        foreach (var other in active())
        {
            used.Add(PodRequests.Compute(other.Spec));
        }

        if (wanted.MilliCpu > 0 && wanted.MilliCpu > capacity.MilliCpu - used.MilliCpu)
        {
            return Short("cpu", wanted.MilliCpu, used.MilliCpu, capacity.MilliCpu);
        }

        if (wanted.Memory > 0 && wanted.Memory > capacity.Memory - used.Memory)
        {
            return Short("memory", wanted.Memory, used.Memory, capacity.Memory);
        }

        if (wanted.EphemeralStorage > 0 && wanted.EphemeralStorage > capacity.EphemeralStorage - used.EphemeralStorage)
        {
            return Short("ephemeral-storage", wanted.EphemeralStorage, used.EphemeralStorage, capacity.EphemeralStorage);
        }

        foreach (var (name, amount) in (wanted.Scalars ?? []).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (amount > 0 && amount > capacity.Scalar(name) - used.Scalar(name))
            {
                return Short(name, amount, used.Scalar(name), capacity.Scalar(name));
            }
        }

        return null;
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

    private static Rejection Short(string resource, long requested, long used, long capacity) => new(
        "OutOf" + resource,
        string.Create(CultureInfo.InvariantCulture, $"Node didn't have enough resource: {resource}, requested: {requested}, used: {used}, capacity: {capacity}"));

    /// <summary>A rejection: the pod's status reason (also the event's) and the shortfall.</summary>
    public sealed record Rejection(string Reason, string Message);
}
