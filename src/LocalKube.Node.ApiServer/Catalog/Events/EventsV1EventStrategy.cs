using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Events;

/// <summary>
/// events.k8s.io/v1 events: the same stored objects as core/v1 events (upstream keeps one storage, <c>events</c>),
/// with the new API's field names and stricter rules; converts to and from the core shape for storage.
/// </summary>
public sealed class EventsV1EventStrategy : ResourceStrategy<Eventsv1Event>, IStorageConverter
{
    private readonly EventStrategy _core = new();

    /// <summary>Creates the strategy.</summary>
    public EventsV1EventStrategy()
        : base(Descriptors.Of("events.k8s.io", "v1", "Event", "events", true, shortNames: ["ev"]), "events", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => _core.Columns;

    /// <inheritdoc />
    public Type StorageType => typeof(Corev1Event);

    /// <summary>The core/v1 form of an events.k8s.io/v1 event.</summary>
    public static Corev1Event ToCore(Eventsv1Event e) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = e.Metadata,
        InvolvedObject = e.Regarding ?? new V1ObjectReference(),
        Related = e.Related,
        Reason = e.Reason,
        Message = e.Note,
        Type = e.Type,
        Action = e.Action,
        EventTime = e.EventTime,
        ReportingComponent = e.ReportingController,
        ReportingInstance = e.ReportingInstance,
        Series = e.Series is { } s ? new Corev1EventSeries { Count = s.Count, LastObservedTime = s.LastObservedTime } : null,
        Source = e.DeprecatedSource,
        FirstTimestamp = e.DeprecatedFirstTimestamp,
        LastTimestamp = e.DeprecatedLastTimestamp,
        Count = e.DeprecatedCount,
    };

    /// <summary>The events.k8s.io/v1 form of a core/v1 event.</summary>
    public static Eventsv1Event FromCore(Corev1Event e) => new()
    {
        ApiVersion = "events.k8s.io/v1",
        Kind = "Event",
        Metadata = e.Metadata,
        Regarding = e.InvolvedObject,
        Related = e.Related,
        Reason = e.Reason,
        Note = e.Message,
        Type = e.Type,
        Action = e.Action,
        EventTime = e.EventTime,
        ReportingController = e.ReportingComponent,
        ReportingInstance = e.ReportingInstance,
        Series = e.Series is { } s ? new Eventsv1EventSeries { Count = s.Count ?? 0, LastObservedTime = s.LastObservedTime ?? default } : null,
        DeprecatedSource = e.Source,
        DeprecatedFirstTimestamp = e.FirstTimestamp,
        DeprecatedLastTimestamp = e.LastTimestamp,
        DeprecatedCount = e.Count,
    };

    /// <inheritdoc />
    public IKubernetesObject<V1ObjectMeta> ToStorage(IKubernetesObject<V1ObjectMeta> obj) => ToCore((Eventsv1Event)obj);

    /// <inheritdoc />
    public IKubernetesObject<V1ObjectMeta> FromStorage(IKubernetesObject<V1ObjectMeta> stored) => FromCore((Corev1Event)stored);

    /// <inheritdoc />
    protected override void Validate(Eventsv1Event obj, FieldErrors errors)
    {
        if (obj.EventTime is null)
        {
            errors.Required(FieldPath.Root("eventTime"));
        }

        if (obj.Type is not ("Normal" or "Warning"))
        {
            errors.Invalid(FieldPath.Root("type"), "", $"has invalid value: {obj.Type}");
        }

        foreach (var (set, name) in new (bool, string)[]
        {
            (obj.DeprecatedFirstTimestamp is not null, "deprecatedFirstTimestamp"),
            (obj.DeprecatedLastTimestamp is not null, "deprecatedLastTimestamp"),
            (obj.DeprecatedCount is not null and not 0, "deprecatedCount"),
            (obj.DeprecatedSource is { } src && (!string.IsNullOrEmpty(src.Component) || !string.IsNullOrEmpty(src.Host)), "deprecatedSource"),
        })
        {
            if (set)
            {
                errors.Invalid(FieldPath.Root(name), "", "needs to be unset");
            }
        }

        var core = ToCore(obj);
        core.EventTime ??= DateTime.UnixEpoch;
        var coreErrors = new FieldErrors();
        EventStrategy.ValidateEvent(core, coreErrors);
        foreach (var cause in coreErrors)
        {
            // The core rules speak of the core field names; report them under this version's names.
            var field = cause.Field switch
            {
                "reportingComponent" => "reportingController",
                "message" => "note",
                "involvedObject.namespace" => "regarding.namespace",
                _ => cause.Field,
            };
            errors.Add(new V1StatusCause { Field = field, Reason = cause.Reason, Message = cause.Message });
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(Eventsv1Event obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(Eventsv1Event obj, DateTimeOffset now) => _core.Cells(ToCore(obj), now);

    /// <inheritdoc />
    protected override void AddSelectableFields(Eventsv1Event obj, IDictionary<string, string> fields)
    {
        EventStrategy.EventFields(ToCore(obj), fields);
        foreach (var key in fields.Keys.Where(k => k.StartsWith("involvedObject.", StringComparison.Ordinal)).ToList())
        {
            fields["regarding." + key["involvedObject.".Length..]] = fields[key];
        }

        fields["reportingController"] = obj.ReportingController ?? "";
    }
}
