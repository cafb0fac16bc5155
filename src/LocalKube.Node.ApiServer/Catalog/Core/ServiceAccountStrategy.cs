using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 service accounts (+token, answering authentication.k8s.io/v1 TokenRequest).</summary>
public sealed class ServiceAccountStrategy : ResourceStrategy<V1ServiceAccount>
{
    private static readonly IReadOnlyList<TableColumn> AccountColumns =
    [
        Cols.Name,
        Cols.Text("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public ServiceAccountStrategy()
        : base(Descriptors.Of("", "v1", "ServiceAccount", "serviceaccounts", true, shortNames: ["sa"], subresources:
            [
                new ApiSubresourceDescriptor("token", ["create"]) { Group = "authentication.k8s.io", Version = "v1", Kind = "TokenRequest" },
            ]), "serviceaccounts", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => AccountColumns;

    /// <inheritdoc />
    protected override void Validate(V1ServiceAccount obj, FieldErrors errors)
    {
        for (var i = 0; i < (obj.Secrets?.Count ?? 0); i++)
        {
            if (string.IsNullOrEmpty(obj.Secrets![i].Name))
            {
                errors.Required(FieldPath.Root("secrets").Index(i).Child("name"));
            }
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ServiceAccount obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ServiceAccount obj, DateTimeOffset now) =>
        [obj.Metadata?.Name, (long)(obj.Secrets?.Count ?? 0), AgeOf(obj, now)];
}
