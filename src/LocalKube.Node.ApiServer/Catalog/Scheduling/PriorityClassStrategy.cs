using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Scheduling;

/// <summary>scheduling.k8s.io/v1 priority classes.</summary>
public sealed class PriorityClassStrategy : ResourceStrategy<V1PriorityClass>
{
    /// <summary>The highest value a user-defined class may have.</summary>
    public const int HighestUserDefinablePriority = 1_000_000_000;

    private static readonly IReadOnlyList<TableColumn> ClassColumns =
    [
        Cols.Name,
        Cols.Integer("Value", "value represents the integer value of this priority class."),
        Cols.Boolean("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
        Cols.Age,
        Cols.Text("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority."),
    ];

    /// <summary>Creates the strategy.</summary>
    public PriorityClassStrategy()
        : base(Descriptors.Of("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, shortNames: ["pc"]), "priorityclasses", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ClassColumns;

    /// <inheritdoc />
    protected override void Default(V1PriorityClass obj) => obj.PreemptionPolicy ??= "PreemptLowerPriority";

    /// <inheritdoc />
    protected override void Validate(V1PriorityClass obj, FieldErrors errors)
    {
        var name = obj.Metadata?.Name ?? "";
        var system = name is "system-node-critical" or "system-cluster-critical";
        if (name.StartsWith("system-", StringComparison.Ordinal) && !system)
        {
            errors.Forbidden(FieldPath.Root("metadata", "name"), "priority class names with 'system-' prefix are reserved");
        }
        else if (!system && obj.Value > HighestUserDefinablePriority)
        {
            errors.Forbidden(FieldPath.Root("value"), $"maximum allowed value of a user defined priority is {HighestUserDefinablePriority}");
        }

        if (obj.PreemptionPolicy is { } policy && policy is not ("Never" or "PreemptLowerPriority"))
        {
            errors.NotSupported(FieldPath.Root("preemptionPolicy"), policy, ["Never", "PreemptLowerPriority"]);
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1PriorityClass obj, V1PriorityClass old, FieldErrors errors)
    {
        Validate(obj, errors);
        if (obj.Value != old.Value)
        {
            errors.Forbidden(FieldPath.Root("value"), "may not be changed in an update.");
        }

        if (obj.PreemptionPolicy != old.PreemptionPolicy)
        {
            errors.Forbidden(FieldPath.Root("preemptionPolicy"), "may not be changed in an update.");
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1PriorityClass obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1PriorityClass obj, DateTimeOffset now) =>
        [obj.Metadata?.Name, (long)(obj.Value ?? 0), obj.GlobalDefault ?? false, AgeOf(obj, now), obj.PreemptionPolicy ?? ""];
}
