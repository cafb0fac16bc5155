using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 pod templates; generation tracks <c>template</c> (there is no spec).</summary>
public sealed class PodTemplateStrategy : ResourceStrategy<V1PodTemplate>
{
    private static readonly IReadOnlyList<TableColumn> TemplateColumns =
    [
        Cols.Name,
        Cols.Text("Containers", "Names of each container in the template."),
        Cols.Text("Images", "Images referenced by each container in the template."),
        Cols.Text("Pod Labels", "The labels for the pod template."),
    ];

    /// <summary>Creates the strategy.</summary>
    public PodTemplateStrategy()
        : base(Descriptors.Of("", "v1", "PodTemplate", "podtemplates", true), "podtemplates", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => TemplateColumns;

    /// <inheritdoc />
    protected override void Default(V1PodTemplate obj) => PodSpecDefaults.Apply(obj.Template?.Spec);

    /// <inheritdoc />
    protected override void Validate(V1PodTemplate obj, FieldErrors errors) =>
        PodSpecValidation.ValidateTemplate(obj.Template, FieldPath.Root("template"), errors);

    /// <inheritdoc />
    protected override object? GenerationSource(V1PodTemplate obj) => obj.Template;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1PodTemplate obj, DateTimeOffset now)
    {
        var (names, images) = Cols.ContainerCells(obj.Template);
        return [obj.Metadata?.Name, names, images, Selectors.FormatLabels(obj.Template?.Metadata?.Labels)];
    }
}
