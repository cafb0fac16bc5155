using System.Globalization;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 events. events.k8s.io/v1 events share the storage (see <see cref="EventsV1EventStrategy"/>).</summary>
public sealed class EventStrategy : ResourceStrategy<Corev1Event>
{
    private static readonly IReadOnlyList<TableColumn> EventColumns =
    [
        Cols.Text("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        Cols.Text("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        Cols.Text("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        Cols.Text("Object", "The object that this event is about."),
        Cols.Text("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1),
        Cols.Text("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
        Cols.Text("Message", "A human-readable description of the status of this operation."),
        Cols.Text("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
        Cols.Text("Count", "The number of times this event has occurred.", 1),
        new TableColumn("Name", "string", "name", "Name must be unique within a namespace.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public EventStrategy()
        : base(Descriptors.Of("", "v1", "Event", "events", true, shortNames: ["ev"]), "events", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => EventColumns;

    /// <summary>The core event field-selector fields, shared with events.k8s.io/v1.</summary>
    internal static void EventFields(Corev1Event obj, IDictionary<string, string> fields)
    {
        var io = obj.InvolvedObject ?? new V1ObjectReference();
        fields["involvedObject.kind"] = io.Kind ?? "";
        fields["involvedObject.namespace"] = io.NamespaceProperty ?? "";
        fields["involvedObject.name"] = io.Name ?? "";
        fields["involvedObject.uid"] = io.Uid ?? "";
        fields["involvedObject.apiVersion"] = io.ApiVersion ?? "";
        fields["involvedObject.resourceVersion"] = io.ResourceVersion ?? "";
        fields["involvedObject.fieldPath"] = io.FieldPath ?? "";
        fields["reason"] = obj.Reason ?? "";
        fields["reportingComponent"] = obj.ReportingComponent ?? "";
        fields["source"] = obj.Source?.Component ?? "";
        fields["type"] = obj.Type ?? "";
    }

    /// <summary>Upstream's legacy event rules: the involved object's namespace must agree with the event's.</summary>
    internal static void ValidateEvent(Corev1Event obj, FieldErrors errors)
    {
        var ns = obj.Metadata?.NamespaceProperty ?? "";
        var involvedNs = obj.InvolvedObject?.NamespaceProperty ?? "";
        var path = FieldPath.Root("involvedObject", "namespace");
        if (obj.EventTime is null)
        {
            if (involvedNs.Length == 0 ? ns is not ("" or "default") : ns != involvedNs)
            {
                errors.Invalid(path, involvedNs, "does not match event.namespace");
            }

            return;
        }

        if (involvedNs.Length == 0 && ns is not ("default" or "kube-system"))
        {
            errors.Invalid(path, involvedNs, "does not match event.namespace");
        }

        Required(obj.ReportingComponent, FieldPath.Root("reportingComponent"), errors);
        if (!string.IsNullOrEmpty(obj.ReportingComponent))
        {
            errors.InvalidEach(FieldPath.Root("reportingComponent"), obj.ReportingComponent, Names.QualifiedName(obj.ReportingComponent));
        }

        Required(obj.ReportingInstance, FieldPath.Root("reportingInstance"), errors);
        Limit(obj.ReportingInstance, 128, FieldPath.Root("reportingInstance"), errors);
        Required(obj.Action, FieldPath.Root("action"), errors);
        Limit(obj.Action, 128, FieldPath.Root("action"), errors);
        Required(obj.Reason, FieldPath.Root("reason"), errors);
        Limit(obj.Reason, 128, FieldPath.Root("reason"), errors);
        Limit(obj.Message, 1024, FieldPath.Root("message"), errors);
    }

    /// <inheritdoc />
    protected override void Validate(Corev1Event obj, FieldErrors errors) => ValidateEvent(obj, errors);

    /// <inheritdoc />
    protected override object? GenerationSource(Corev1Event obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(Corev1Event obj, DateTimeOffset now)
    {
        var first = obj.FirstTimestamp is null ? Age.Since(obj.EventTime, now) : Age.Since(obj.FirstTimestamp, now);
        var last = obj.LastTimestamp is null ? first : Age.Since(obj.LastTimestamp, now);
        long count = obj.Count ?? 0;
        if (obj.Series is not null)
        {
            last = Age.Since(obj.Series.LastObservedTime, now);
            count = obj.Series.Count ?? 0;
        }
        else if (count == 0)
        {
            count = 1;
        }

        var io = obj.InvolvedObject ?? new V1ObjectReference();
        var kind = (io.Kind ?? "").ToLowerInvariant();
        var target = string.IsNullOrEmpty(io.Name) ? kind : $"{kind}/{io.Name}";
        var component = First(obj.Source?.Component, obj.ReportingComponent);
        var instance = First(obj.Source?.Host, obj.ReportingInstance);
        var source = instance.Length == 0 ? component : component + ", " + instance;
        return
        [
            last, obj.Type ?? "", obj.Reason ?? "", target, io.FieldPath ?? "", source, (obj.Message ?? "").Trim(), first, count,
            obj.Metadata?.Name,
        ];
    }

    /// <inheritdoc />
    protected override void AddSelectableFields(Corev1Event obj, IDictionary<string, string> fields) => EventFields(obj, fields);

    private static string First(string? a, string? b) => !string.IsNullOrEmpty(a) ? a : b ?? "";

    private static void Required(string? value, FieldPath path, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Required(path);
        }
    }

    private static void Limit(string? value, int max, FieldPath path, FieldErrors errors)
    {
        if (value is not null && value.Length > max)
        {
            errors.Invalid(path, "", $"can have at most {max.ToString(CultureInfo.InvariantCulture)} characters");
        }
    }
}
