using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Apps;

/// <summary>apps/v1 controller revisions: immutable snapshots of stateful set and daemon set templates.</summary>
public sealed class ControllerRevisionStrategy : ResourceStrategy<V1ControllerRevision>
{
    private static readonly IReadOnlyList<TableColumn> RevisionColumns =
    [
        Cols.Name,
        Cols.Text("Controller", "Controller of the object"),
        Cols.Text("Revision", "Revision indicates the revision of the state represented by Data."),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public ControllerRevisionStrategy()
        : base(Descriptors.Of("apps", "v1", "ControllerRevision", "controllerrevisions", true), "controllerrevisions", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => RevisionColumns;

    /// <inheritdoc />
    protected override void Validate(V1ControllerRevision obj, FieldErrors errors)
    {
        if (obj.Data is null)
        {
            errors.Required(FieldPath.Root("data"), "data is mandatory");
        }

        CommonValidation.NonNegative(obj.Revision, FieldPath.Root("revision"), errors);
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1ControllerRevision obj, V1ControllerRevision old, FieldErrors errors)
    {
        Validate(obj, errors);
        CommonValidation.Immutable(obj.Data, old.Data, FieldPath.Root("data"), errors, new GoValue.Verbatim("runtime.RawExtension{...}"));
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ControllerRevision obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ControllerRevision obj, DateTimeOffset now)
    {
        var owner = obj.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        var controller = "<none>";
        if (owner is not null)
        {
            var slash = owner.ApiVersion?.IndexOf('/') ?? -1;
            var group = slash > 0 ? owner.ApiVersion![..slash] : "";
            controller = (group.Length == 0 ? owner.Kind : $"{owner.Kind}.{group}").ToLowerInvariant() + "/" + owner.Name;
        }

        return [obj.Metadata?.Name, controller, obj.Revision ?? 0, AgeOf(obj, now)];
    }
}
