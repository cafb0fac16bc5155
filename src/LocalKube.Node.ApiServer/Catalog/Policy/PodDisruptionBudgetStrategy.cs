using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Policy;

/// <summary>policy/v1 pod disruption budgets.</summary>
public sealed class PodDisruptionBudgetStrategy : ResourceStrategy<V1PodDisruptionBudget>
{
    private static readonly IReadOnlyList<TableColumn> BudgetColumns =
    [
        Cols.Name,
        Cols.Text("Min Available", "The minimum number of pods that must be available."),
        Cols.Text("Max Unavailable", "The maximum number of pods that may be unavailable."),
        Cols.Integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public PodDisruptionBudgetStrategy()
        : base(Descriptors.Of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, shortNames: ["pdb"], subresources: [Descriptors.Status]),
            "poddisruptionbudgets", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => BudgetColumns;

    /// <inheritdoc />
    protected override void Validate(V1PodDisruptionBudget obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1PodDisruptionBudgetSpec();
        var path = FieldPath.Root("spec");
        if (spec.MinAvailable is not null && spec.MaxUnavailable is not null)
        {
            errors.Invalid(path, new GoValue.Verbatim("policy.PodDisruptionBudgetSpec{...}"), "minAvailable and maxUnavailable cannot be both set");
        }

        CommonValidation.IntOrPercent(spec.MinAvailable, path.Child("minAvailable"), errors, capAt100: true);
        CommonValidation.IntOrPercent(spec.MaxUnavailable, path.Child("maxUnavailable"), errors, capAt100: true);
        CommonValidation.LabelSelector(spec.Selector, path.Child("selector"), errors);
        if (spec.UnhealthyPodEvictionPolicy is { } policy && policy is not ("AlwaysAllow" or "IfHealthyBudget"))
        {
            errors.NotSupported(path.Child("unhealthyPodEvictionPolicy"), policy, ["AlwaysAllow", "IfHealthyBudget"]);
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1PodDisruptionBudget obj, DateTimeOffset now) =>
    [
        obj.Metadata?.Name, obj.Spec?.MinAvailable?.Value ?? "N/A", obj.Spec?.MaxUnavailable?.Value ?? "N/A",
        (long)(obj.Status?.DisruptionsAllowed ?? 0), AgeOf(obj, now),
    ];
}
