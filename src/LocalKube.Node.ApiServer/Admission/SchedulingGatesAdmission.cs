using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Catalog;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// Pod scheduling gates as the pod strategy treats them (k/k <c>pkg/registry/core/pod/strategy.go</c>,
/// <c>pkg/apis/core/validation</c>): a gated pod is created with <c>PodScheduled=False</c>
/// <c>SchedulingGated</c>; a gated pod may not name a node; gates may only be removed.
/// </summary>
public sealed class SchedulingGatesAdmission : IAdmissionHook
{
    /// <summary>The condition message of a gated pod.</summary>
    public const string GatedMessage = "Scheduling is blocked due to non-empty scheduling gates";

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind == "Pod";

    /// <inheritdoc />
    public Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not V1Pod pod)
        {
            return Task.CompletedTask;
        }

        var gates = pod.Spec?.SchedulingGates ?? [];
        var errors = new FieldErrors();
        var path = FieldPath.Root("spec");
        if (request.Old is V1Pod old)
        {
            var before = (old.Spec?.SchedulingGates ?? []).Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gate in gates.Where(g => !before.Contains(g.Name)))
            {
                errors.Forbidden(path.Child("schedulingGates"), $"only deletion is allowed, but found new scheduling gate '{gate.Name}'");
            }
        }
        else if (gates.Count > 0)
        {
            if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
            {
                errors.Forbidden(path.Child("nodeName"), "cannot be set until all schedulingGates have been cleared");
            }

            var status = pod.Status ??= new V1PodStatus();
            status.Conditions ??= [];
            if (!status.Conditions.Any(c => c.Type == "PodScheduled"))
            {
                status.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "SchedulingGated", Message = GatedMessage });
            }
        }

        return errors.Count == 0
            ? Task.CompletedTask
            : throw StatusException.Invalid("", "Pod", pod.Metadata?.Name ?? "", errors);
    }
}
