using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Coordination;

/// <summary>coordination.k8s.io/v1 leases (leader election and node heartbeats).</summary>
public sealed class LeaseStrategy : ResourceStrategy<V1Lease>
{
    private static readonly IReadOnlyList<TableColumn> LeaseColumns =
    [
        Cols.Name,
        Cols.Text("Holder", "holderIdentity contains the identity of the holder of a current lease."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public LeaseStrategy()
        : base(Descriptors.Of("coordination.k8s.io", "v1", "Lease", "leases", true), "leases", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => LeaseColumns;

    /// <inheritdoc />
    protected override void Validate(V1Lease obj, FieldErrors errors)
    {
        CommonValidation.Positive(obj.Spec?.LeaseDurationSeconds, FieldPath.Root("spec", "leaseDurationSeconds"), errors);
        CommonValidation.NonNegative(obj.Spec?.LeaseTransitions, FieldPath.Root("spec", "leaseTransitions"), errors);
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1Lease obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Lease obj, DateTimeOffset now) => [obj.Metadata?.Name, obj.Spec?.HolderIdentity ?? "", AgeOf(obj, now)];
}
