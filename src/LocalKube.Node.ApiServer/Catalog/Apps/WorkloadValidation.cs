using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>The selector/template/replica rules that deployments, replica sets, stateful sets and daemon sets share.</summary>
public static class WorkloadValidation
{
    private static readonly FieldPath Spec = FieldPath.Root("spec");

    /// <summary>
    /// <c>spec.selector</c> is required, valid and non-empty (the message names <paramref name="emptyKind"/>), and
    /// <c>spec.template</c> must be a replicated template whose labels it selects.
    /// </summary>
    public static void SelectorAndTemplate(V1LabelSelector? selector, V1PodTemplateSpec? template, string emptyKind, string templateKind, FieldErrors errors)
    {
        if (selector is null)
        {
            errors.Required(Spec.Child("selector"));
        }
        else
        {
            CommonValidation.LabelSelector(selector, Spec.Child("selector"), errors);
            if (Selectors.IsEmpty(selector))
            {
                errors.Invalid(Spec.Child("selector"), GoSelector.Literal(selector), $"empty selector is invalid for {emptyKind}");
            }
        }

        // A missing selector selects nothing, so upstream also reports the template labels as unmatched.
        PodSpecValidation.ValidateReplicatedTemplate(template, labels => selector is not null && Selectors.Matches(selector, labels), templateKind, Spec.Child("template"), errors);
    }

    /// <summary>An immutable <c>spec.selector</c>, reported with upstream's Go literal.</summary>
    public static void ImmutableSelector(V1LabelSelector? selector, V1LabelSelector? old, FieldErrors errors)
    {
        if (!Json.SemanticEquals(selector, old))
        {
            errors.Invalid(Spec.Child("selector"), GoSelector.Literal(selector), "field is immutable");
        }
    }

    /// <summary>Non-negative <c>spec.replicas</c>, <c>spec.minReadySeconds</c> and <c>spec.revisionHistoryLimit</c>.</summary>
    public static void Counts(int? replicas, int? minReadySeconds, int? revisionHistoryLimit, FieldErrors errors)
    {
        CommonValidation.NonNegative(replicas, Spec.Child("replicas"), errors);
        CommonValidation.NonNegative(minReadySeconds, Spec.Child("minReadySeconds"), errors);
        CommonValidation.NonNegative(revisionHistoryLimit, Spec.Child("revisionHistoryLimit"), errors);
    }

    /// <summary>Defaults of a workload's pod template.</summary>
    public static void DefaultTemplate(V1PodTemplateSpec? template) => PodSpecDefaults.Apply(template?.Spec);
}
