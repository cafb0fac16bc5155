using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Autoscaling;

/// <summary>The HPA columns and checks both served versions share (they share the storage too).</summary>
public static class HpaCommon
{
    /// <summary>NAME, REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS, AGE.</summary>
    public static readonly IReadOnlyList<TableColumn> Columns =
    [
        Cols.Name,
        Cols.Text("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
        Cols.Text("Targets", "metrics contains the specifications for which to use to calculate the desired replica count."),
        Cols.Text("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
        Cols.Text("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
        Cols.Text("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
        Cols.Age,
    ];

    /// <summary>Upstream's reference, replica bound and name checks.</summary>
    public static void Validate(string? kind, string? name, int? minReplicas, int maxReplicas, FieldErrors errors)
    {
        var spec = FieldPath.Root("spec");
        var target = spec.Child("scaleTargetRef");
        if (string.IsNullOrEmpty(kind))
        {
            errors.Required(target.Child("kind"));
        }

        if (string.IsNullOrEmpty(name))
        {
            errors.Required(target.Child("name"));
        }
        else
        {
            errors.InvalidEach(target.Child("name"), name, Names.PathSegmentName(name, false));
        }

        if (minReplicas is { } min && min < 1)
        {
            errors.Invalid(spec.Child("minReplicas"), min, "must be greater than or equal to 1");
        }

        if (maxReplicas < 1)
        {
            errors.Invalid(spec.Child("maxReplicas"), maxReplicas, "must be greater than 0");
        }

        if (minReplicas is { } lower && maxReplicas < lower)
        {
            errors.Invalid(spec.Child("maxReplicas"), maxReplicas, "must be greater than or equal to `minReplicas`");
        }
    }
}

/// <summary>
/// autoscaling/v1 horizontal pod autoscalers (CPU target only): stored as autoscaling/v2 objects, as upstream does,
/// with <see cref="HpaConversion"/> on the way in and out.
/// </summary>
public sealed class HorizontalPodAutoscalerV1Strategy : ResourceStrategy<V1HorizontalPodAutoscaler>, IStorageConverter
{
    /// <summary>Creates the strategy.</summary>
    public HorizontalPodAutoscalerV1Strategy()
        : base(Descriptors.Of("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, shortNames: ["hpa"], categories: ["all"],
            subresources: [Descriptors.Status]), "horizontalpodautoscalers", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => HpaCommon.Columns;

    /// <inheritdoc />
    public Type StorageType => typeof(V2HorizontalPodAutoscaler);

    /// <inheritdoc />
    public k8s.IKubernetesObject<V1ObjectMeta> ToStorage(k8s.IKubernetesObject<V1ObjectMeta> obj) => HpaConversion.ToV2((V1HorizontalPodAutoscaler)obj);

    /// <inheritdoc />
    public k8s.IKubernetesObject<V1ObjectMeta> FromStorage(k8s.IKubernetesObject<V1ObjectMeta> stored) => HpaConversion.ToV1((V2HorizontalPodAutoscaler)stored);

    /// <inheritdoc />
    protected override void Default(V1HorizontalPodAutoscaler obj)
    {
        obj.Spec ??= new V1HorizontalPodAutoscalerSpec();
        obj.Spec.MinReplicas ??= 1;

        // What the client then reads back is the object as stored: upstream answers writes from the converted
        // storage form, so e.g. a missing CPU target comes back as the implied 80%.
        var stored = HpaConversion.ToV1(HpaConversion.ToV2(obj));
        obj.Spec = stored.Spec;
        obj.Status = stored.Status;
        if (obj.Metadata is not null)
        {
            obj.Metadata.Annotations = stored.Metadata.Annotations;
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1HorizontalPodAutoscaler obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1HorizontalPodAutoscalerSpec();
        HpaCommon.Validate(spec.ScaleTargetRef?.Kind, spec.ScaleTargetRef?.Name, spec.MinReplicas, spec.MaxReplicas, errors);
        if (spec.TargetCPUUtilizationPercentage is < 1)
        {
            errors.Invalid(FieldPath.Root("spec", "targetCPUUtilizationPercentage"), spec.TargetCPUUtilizationPercentage.Value, "must be greater than 0");
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1HorizontalPodAutoscaler obj, DateTimeOffset now)
    {
        var spec = obj.Spec ?? new V1HorizontalPodAutoscalerSpec();
        var targets = spec.TargetCPUUtilizationPercentage is { } target
            ? $"cpu: {(obj.Status?.CurrentCPUUtilizationPercentage is { } cur ? cur + "%" : "<unknown>")}/{target}%"
            : "<none>";
        return
        [
            obj.Metadata?.Name, $"{spec.ScaleTargetRef?.Kind}/{spec.ScaleTargetRef?.Name}", targets,
            spec.MinReplicas is { } min ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : "<unset>",
            (long)spec.MaxReplicas, (long)(obj.Status?.CurrentReplicas ?? 0), AgeOf(obj, now),
        ];
    }
}

/// <summary>autoscaling/v2 horizontal pod autoscalers.</summary>
public sealed class HorizontalPodAutoscalerV2Strategy : ResourceStrategy<V2HorizontalPodAutoscaler>
{
    /// <summary>Creates the strategy.</summary>
    public HorizontalPodAutoscalerV2Strategy()
        : base(Descriptors.Of("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, shortNames: ["hpa"], categories: ["all"],
            subresources: [Descriptors.Status]), "horizontalpodautoscalers", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => HpaCommon.Columns;

    /// <inheritdoc />
    protected override void Default(V2HorizontalPodAutoscaler obj)
    {
        HpaConversion.DropRoundTripAnnotations(obj.Metadata);
        var spec = obj.Spec ??= new V2HorizontalPodAutoscalerSpec();
        spec.MinReplicas ??= 1;
        if (spec.Metrics is null || spec.Metrics.Count == 0)
        {
            spec.Metrics =
            [
                new V2MetricSpec
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 80 } },
                },
            ];
        }

        if (spec.Behavior is { } behavior)
        {
            behavior.ScaleUp ??= new V2HPAScalingRules();
            behavior.ScaleUp.StabilizationWindowSeconds ??= 0;
            behavior.ScaleUp.SelectPolicy ??= "Max";
            behavior.ScaleUp.Policies ??=
            [
                new V2HPAScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 },
                new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 },
            ];
            behavior.ScaleDown ??= new V2HPAScalingRules();
            behavior.ScaleDown.SelectPolicy ??= "Max";
            behavior.ScaleDown.Policies ??= [new V2HPAScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }];
        }
    }

    /// <inheritdoc />
    protected override void Validate(V2HorizontalPodAutoscaler obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V2HorizontalPodAutoscalerSpec();
        HpaCommon.Validate(spec.ScaleTargetRef?.Kind, spec.ScaleTargetRef?.Name, spec.MinReplicas, spec.MaxReplicas, errors);
        var types = new[] { "ContainerResource", "External", "Object", "Pods", "Resource" };
        for (var i = 0; i < (spec.Metrics?.Count ?? 0); i++)
        {
            var m = spec.Metrics![i];
            var p = FieldPath.Root("spec", "metrics").Index(i);
            if (string.IsNullOrEmpty(m.Type))
            {
                errors.Required(p.Child("type"));
            }
            else if (!types.Contains(m.Type))
            {
                errors.NotSupported(p.Child("type"), m.Type, types);
            }
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V2HorizontalPodAutoscaler obj, DateTimeOffset now)
    {
        var spec = obj.Spec ?? new V2HorizontalPodAutoscalerSpec();
        return
        [
            obj.Metadata?.Name, $"{spec.ScaleTargetRef?.Kind}/{spec.ScaleTargetRef?.Name}", Targets(spec.Metrics, obj.Status?.CurrentMetrics),
            spec.MinReplicas is { } min ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : "<unset>",
            (long)spec.MaxReplicas, (long)(obj.Status?.CurrentReplicas ?? 0), AgeOf(obj, now),
        ];
    }

    /// <summary>Upstream's TARGETS cell: at most two metrics, then <c>+ N more...</c>.</summary>
    public static string Targets(IList<V2MetricSpec>? specs, IList<V2MetricStatus>? statuses)
    {
        if (specs is null || specs.Count == 0)
        {
            return "<none>";
        }

        statuses ??= [];
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var s = specs[i];
            var st = i < statuses.Count ? statuses[i] : null;
            list.Add(s.Type switch
            {
                "Resource" when s.Resource?.Target?.AverageValue is { } avg =>
                    $"{s.Resource.Name}: {st?.Resource?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg}",
                "Resource" => $"{s.Resource?.Name}: {(st?.Resource?.Current?.AverageUtilization is { } u ? u + "%" : "<unknown>")}/{(s.Resource?.Target?.AverageUtilization is { } t ? t + "%" : "<auto>")}",
                "ContainerResource" when s.ContainerResource?.Target?.AverageValue is { } avg =>
                    $"{s.ContainerResource.Name}: {st?.ContainerResource?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg}",
                "ContainerResource" => $"{s.ContainerResource?.Name}: {(st?.ContainerResource?.Current?.AverageUtilization is { } u ? u + "%" : "<unknown>")}/{(s.ContainerResource?.Target?.AverageUtilization is { } t ? t + "%" : "<auto>")}",
                "Pods" => $"{st?.Pods?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{s.Pods?.Target?.AverageValue}",
                "Object" when s.ObjectProperty?.Target?.AverageValue is { } avg => $"{st?.ObjectProperty?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg} (avg)",
                "Object" => $"{st?.ObjectProperty?.Current?.Value?.ToString() ?? "<unknown>"}/{s.ObjectProperty?.Target?.Value}",
                "External" when s.External?.Target?.AverageValue is { } avg => $"{st?.External?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg} (avg)",
                "External" => $"{st?.External?.Current?.Value?.ToString() ?? "<unknown>"}/{s.External?.Target?.Value}",
                _ => "<unknown type>",
            });
        }

        return list.Count > 2 ? $"{string.Join(", ", list.Take(2))} + {list.Count - 2} more..." : string.Join(", ", list);
    }
}
