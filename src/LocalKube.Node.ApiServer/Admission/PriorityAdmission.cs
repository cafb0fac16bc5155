using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The Priority admission plugin (k/k <c>plugin/pkg/admission/priority</c>) on pod creation: resolves
/// <c>priorityClassName</c> (or the <c>globalDefault</c> class) to <c>spec.priority</c> and
/// <c>spec.preemptionPolicy</c>; an unknown class or a contradicting value is refused with a 403.
/// </summary>
public sealed class PriorityAdmission(TimeProvider time) : IAdmissionHook
{
    private readonly CachedList<V1PriorityClass> _classes = new(time);

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind == "Pod";

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Old is not null || request.Object is not V1Pod pod)
        {
            return;
        }

        var spec = pod.Spec ??= new V1PodSpec();
        var classes = request.Store.Resources.FindKind("scheduling.k8s.io", "PriorityClass") is { } resource
            ? await _classes.GetAsync(request.Store, resource, cancellationToken)
            : [];
        int priority;
        string? policy;
        if (string.IsNullOrEmpty(spec.PriorityClassName))
        {
            // The newest global default wins, as upstream's lister order would not guarantee any other.
            var fallback = classes.Where(c => c.GlobalDefault == true).OrderByDescending(c => c.Metadata.CreationTimestamp).FirstOrDefault();
            priority = fallback?.Value ?? 0;
            policy = fallback?.PreemptionPolicy ?? "PreemptLowerPriority";
            spec.PriorityClassName = fallback?.Metadata.Name;
        }
        else
        {
            var named = classes.FirstOrDefault(c => c.Metadata.Name == spec.PriorityClassName)
                ?? throw Forbidden(pod, $"no PriorityClass with name {spec.PriorityClassName} was found");
            priority = named.Value ?? 0;
            policy = named.PreemptionPolicy ?? "PreemptLowerPriority";
        }

        if (spec.Priority is { } given && given != priority)
        {
            throw Forbidden(pod, $"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name");
        }

        if (spec.PreemptionPolicy is { } asked && asked != policy)
        {
            throw Forbidden(pod, $"the string value of PreemptionPolicy ({asked}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name");
        }

        spec.Priority = priority;
        spec.PreemptionPolicy = policy;
    }

    private static StatusException Forbidden(V1Pod pod, string why) =>
        StatusException.Forbidden("", "pods", pod.Metadata?.Name ?? "", why);
}
