using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Catalog.Autoscaling;

/// <summary>
/// autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscalers, as upstream converts them (v2 is the storage version).
/// v1 carries only the CPU utilization target; every other v2 field travels in four annotations so a v1
/// read-modify-write keeps it: the other metrics and current metrics in v1's own (v2beta1-like) metric shapes,
/// the conditions in v1's condition shape, and the behavior in upstream's internal Go field names.
/// </summary>
public static class HpaConversion
{
    /// <summary>Other metric specs (everything but a CPU utilization target).</summary>
    public const string MetricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";

    /// <summary>Current metric statuses (all of them, the CPU one included).</summary>
    public const string MetricStatusesAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";

    /// <summary><c>spec.behavior</c>.</summary>
    public const string BehaviorSpecsAnnotation = "autoscaling.alpha.kubernetes.io/behavior";

    /// <summary><c>status.conditions</c>.</summary>
    public const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";

    /// <summary>The CPU utilization target v1 implied when it named none.</summary>
    public const int DefaultCpuUtilization = 80;

    private static readonly string[] RoundTripAnnotations = [MetricSpecsAnnotation, MetricStatusesAnnotation, BehaviorSpecsAnnotation, ConditionsAnnotation];

    private static readonly JsonSerializerOptions GoFieldNames = new() { PropertyNameCaseInsensitive = true };

    // Go's encoder leaves quotes, apostrophes and non-ASCII text readable in the annotation values.
    private static readonly JsonSerializerOptions GoText = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The v2 (stored) form of a v1 object; the round-trip annotations are lifted out of its metadata.</summary>
    public static V2HorizontalPodAutoscaler ToV2(V1HorizontalPodAutoscaler v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var annotations = v1.Metadata?.Annotations ?? new Dictionary<string, string>();
        var spec = v1.Spec ?? new V1HorizontalPodAutoscalerSpec();
        var status = v1.Status;
        var metrics = new List<V2MetricSpec>();
        if (annotations.TryGetValue(MetricSpecsAnnotation, out var otherText) && TryParseArray(otherText) is { } others)
        {
            metrics.AddRange(others.OfType<JsonObject>().Select(MetricSpecFromV1));
        }

        if (spec.TargetCPUUtilizationPercentage is { } cpu)
        {
            metrics.Add(CpuTarget(cpu));
        }

        if (metrics.Count == 0)
        {
            // v1 once applied this default in the controller; the conversion makes it explicit.
            metrics.Add(CpuTarget(DefaultCpuUtilization));
        }

        var v2Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = spec.ScaleTargetRef is { } r ? new V2CrossVersionObjectReference { ApiVersion = r.ApiVersion, Kind = r.Kind, Name = r.Name } : null,
            MinReplicas = spec.MinReplicas,
            MaxReplicas = spec.MaxReplicas,
            Metrics = metrics,
        };
        if (annotations.TryGetValue(BehaviorSpecsAnnotation, out var behaviorText) && BehaviorFromGo(behaviorText) is { } behavior)
        {
            v2Spec.Behavior = behavior;
        }

        V2HorizontalPodAutoscalerStatus? v2Status = null;
        if (status is not null)
        {
            v2Status = new V2HorizontalPodAutoscalerStatus
            {
                ObservedGeneration = status.ObservedGeneration,
                LastScaleTime = status.LastScaleTime,
                CurrentReplicas = status.CurrentReplicas,
                DesiredReplicas = status.DesiredReplicas,
            };
            if (status.CurrentCPUUtilizationPercentage is { } current)
            {
                v2Status.CurrentMetrics = [new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = "cpu", Current = new V2MetricValueStatus { AverageUtilization = current } } }];
            }
        }

        if (annotations.TryGetValue(MetricStatusesAnnotation, out var currentText) && TryParseArray(currentText) is { } currents)
        {
            // The annotation has more than currentCPUUtilizationPercentage: it wins.
            v2Status ??= new V2HorizontalPodAutoscalerStatus();
            v2Status.CurrentMetrics = currents.OfType<JsonObject>().Select(MetricStatusFromV1).ToList();
        }

        if (annotations.TryGetValue(ConditionsAnnotation, out var conditionsText) && TryParseArray(conditionsText) is { } conditions)
        {
            v2Status ??= new V2HorizontalPodAutoscalerStatus();
            v2Status.Conditions = conditions.OfType<JsonObject>().Select(c => c.Deserialize<V2HorizontalPodAutoscalerCondition>(ObjectCodec.Options)!).ToList();
        }

        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = WithAnnotations(v1.Metadata, DropRoundTrip(v1.Metadata?.Annotations)),
            Spec = v2Spec,
            Status = v2Status,
        };
    }

    /// <summary>The v1 (served) form of a v2 object: CPU utilization as v1 fields, everything else as annotations.</summary>
    public static V1HorizontalPodAutoscaler ToV1(V2HorizontalPodAutoscaler v2)
    {
        ArgumentNullException.ThrowIfNull(v2);
        var spec = v2.Spec ?? new V2HorizontalPodAutoscalerSpec();
        var status = v2.Status;
        var annotations = DropRoundTrip(v2.Metadata?.Annotations);
        var metrics = spec.Metrics ?? [];
        var cpu = metrics.FirstOrDefault(IsCpuUtilizationTarget);
        var others = metrics.Where(m => !IsCpuUtilizationTarget(m)).ToList();
        if (others.Count > 0)
        {
            annotations = Set(annotations, MetricSpecsAnnotation, new JsonArray([.. others.Select(MetricSpecToV1)]));
        }

        if (status?.CurrentMetrics is { Count: > 0 } currents)
        {
            annotations = Set(annotations, MetricStatusesAnnotation, new JsonArray([.. currents.Select(MetricStatusToV1)]));
        }

        if (spec.Behavior is { } behavior)
        {
            annotations = Set(annotations, BehaviorSpecsAnnotation, BehaviorToGo(behavior));
        }

        if (status?.Conditions is { Count: > 0 } conditions)
        {
            annotations = Set(annotations, ConditionsAnnotation, new JsonArray([.. conditions.Select(ConditionToV1)]));
        }

        V1HorizontalPodAutoscalerStatus? v1Status = null;
        if (status is not null)
        {
            v1Status = new V1HorizontalPodAutoscalerStatus
            {
                ObservedGeneration = status.ObservedGeneration,
                LastScaleTime = status.LastScaleTime,
                CurrentReplicas = status.CurrentReplicas ?? 0,
                DesiredReplicas = status.DesiredReplicas,
                CurrentCPUUtilizationPercentage = status.CurrentMetrics?
                    .LastOrDefault(m => m.Type == "Resource" && m.Resource?.Name == "cpu" && m.Resource.Current?.AverageUtilization is not null)?
                    .Resource.Current.AverageUtilization,
            };
        }

        return new V1HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v1",
            Kind = "HorizontalPodAutoscaler",
            Metadata = WithAnnotations(v2.Metadata, annotations),
            Spec = new V1HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = spec.ScaleTargetRef is { } r ? new V1CrossVersionObjectReference { ApiVersion = r.ApiVersion, Kind = r.Kind, Name = r.Name } : null,
                MinReplicas = spec.MinReplicas,
                MaxReplicas = spec.MaxReplicas,
                TargetCPUUtilizationPercentage = cpu?.Resource?.Target?.AverageUtilization,
            },
            Status = v1Status,
        };
    }

    private static JsonObject ConditionToV1(V2HorizontalPodAutoscalerCondition c)
    {
        var o = new JsonObject { ["type"] = c.Type ?? "", ["status"] = c.Status ?? "" };
        Put(o, "lastTransitionTime", c.LastTransitionTime);
        Put(o, "reason", string.IsNullOrEmpty(c.Reason) ? null : c.Reason);
        Put(o, "message", string.IsNullOrEmpty(c.Message) ? null : c.Message);
        Put(o, "observedGeneration", c.ObservedGeneration);
        return o;
    }

    /// <summary>Removes the round-trip annotations in place: v2 objects never carry them, as upstream.</summary>
    public static void DropRoundTripAnnotations(V1ObjectMeta? meta)
    {
        if (meta?.Annotations is { } annotations && RoundTripAnnotations.Any(annotations.ContainsKey))
        {
            var kept = DropRoundTrip(annotations);
            meta.Annotations = kept is { Count: > 0 } ? kept : null;
        }
    }

    private static bool IsCpuUtilizationTarget(V2MetricSpec m) =>
        m.Type == "Resource" && m.Resource?.Name == "cpu" && m.Resource.Target?.AverageUtilization is not null;

    private static V2MetricSpec CpuTarget(int utilization) => new()
    {
        Type = "Resource",
        Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = utilization } },
    };

    // A copy of the metadata with other annotations, so converting never changes the caller's object.
    private static V1ObjectMeta WithAnnotations(V1ObjectMeta? meta, IDictionary<string, string>? annotations)
    {
        var copy = meta is null ? new V1ObjectMeta() : Json.Clone(meta);
        copy.ResourceVersion = meta?.ResourceVersion;
        copy.Annotations = annotations is { Count: > 0 } ? annotations : null;
        return copy;
    }

    private static Dictionary<string, string>? DropRoundTrip(IDictionary<string, string>? annotations) =>
        annotations?.Where(kv => !RoundTripAnnotations.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static Dictionary<string, string> Set(Dictionary<string, string>? annotations, string key, JsonNode value)
    {
        annotations ??= [];
        annotations[key] = value.ToJsonString(GoText);
        return annotations;
    }

    // Upstream ignores an annotation it cannot parse.
    private static JsonArray? TryParseArray(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonNode? Node(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), ObjectCodec.Options);

    private static T? Read<T>(JsonObject? o, string name)
        where T : class => o?[name] is { } node ? node.Deserialize<T>(ObjectCodec.Options) : null;

    private static int? ReadInt(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static string? ReadString(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    // Writes name: value unless value is null (Go's omitempty); `always` writes Go's zero quantity "0" for non-pointers.
    private static void Put(JsonObject o, string name, object? value, bool always = false)
    {
        if (value is not null)
        {
            o[name] = Node(value);
        }
        else if (always)
        {
            o[name] = "0";
        }
    }

    private static JsonObject Reference(V2CrossVersionObjectReference? r)
    {
        var o = new JsonObject { ["kind"] = r?.Kind ?? "", ["name"] = r?.Name ?? "" };
        Put(o, "apiVersion", string.IsNullOrEmpty(r?.ApiVersion) ? null : r.ApiVersion);
        return o;
    }

    private static V2CrossVersionObjectReference? ReferenceFrom(JsonObject? o) =>
        o is null ? null : new V2CrossVersionObjectReference { Kind = ReadString(o, "kind"), Name = ReadString(o, "name"), ApiVersion = ReadString(o, "apiVersion") };

    private static JsonObject MetricSpecToV1(V2MetricSpec m)
    {
        var o = new JsonObject { ["type"] = m.Type };
        if (m.ObjectProperty is { } obj)
        {
            var s = new JsonObject { ["target"] = Reference(obj.DescribedObject), ["metricName"] = obj.Metric?.Name ?? "" };
            Put(s, "targetValue", obj.Target?.Value, always: true);
            Put(s, "selector", obj.Metric?.Selector);
            Put(s, "averageValue", obj.Target?.AverageValue);
            o["object"] = s;
        }

        if (m.Pods is { } pods)
        {
            var s = new JsonObject { ["metricName"] = pods.Metric?.Name ?? "" };
            Put(s, "targetAverageValue", pods.Target?.AverageValue, always: true);
            Put(s, "selector", pods.Metric?.Selector);
            o["pods"] = s;
        }

        if (m.Resource is { } res)
        {
            var s = new JsonObject { ["name"] = res.Name ?? "" };
            Put(s, "targetAverageUtilization", res.Target?.AverageUtilization);
            Put(s, "targetAverageValue", res.Target?.AverageValue);
            o["resource"] = s;
        }

        if (m.ContainerResource is { } cr)
        {
            var s = new JsonObject { ["name"] = cr.Name ?? "" };
            Put(s, "targetAverageUtilization", cr.Target?.AverageUtilization);
            Put(s, "targetAverageValue", cr.Target?.AverageValue);
            s["container"] = cr.Container ?? "";
            o["containerResource"] = s;
        }

        if (m.External is { } ext)
        {
            var s = new JsonObject { ["metricName"] = ext.Metric?.Name ?? "" };
            Put(s, "metricSelector", ext.Metric?.Selector);
            Put(s, "targetValue", ext.Target?.Value);
            Put(s, "targetAverageValue", ext.Target?.AverageValue);
            o["external"] = s;
        }

        return o;
    }

    private static V2MetricSpec MetricSpecFromV1(JsonObject o)
    {
        var m = new V2MetricSpec { Type = ReadString(o, "type") };
        if (o["object"] is JsonObject obj)
        {
            var average = Read<ResourceQuantity>(obj, "averageValue");
            m.ObjectProperty = new V2ObjectMetricSource
            {
                DescribedObject = ReferenceFrom(obj["target"] as JsonObject),
                Metric = new V2MetricIdentifier { Name = ReadString(obj, "metricName"), Selector = Read<V1LabelSelector>(obj, "selector") },
                Target = new V2MetricTarget
                {
                    Type = average is null ? "Value" : "AverageValue",
                    Value = Read<ResourceQuantity>(obj, "targetValue") ?? new ResourceQuantity("0"),
                    AverageValue = average,
                },
            };
        }

        if (o["pods"] is JsonObject pods)
        {
            m.Pods = new V2PodsMetricSource
            {
                Metric = new V2MetricIdentifier { Name = ReadString(pods, "metricName"), Selector = Read<V1LabelSelector>(pods, "selector") },
                Target = new V2MetricTarget { Type = "AverageValue", AverageValue = Read<ResourceQuantity>(pods, "targetAverageValue") ?? new ResourceQuantity("0") },
            };
        }

        if (o["resource"] is JsonObject res)
        {
            m.Resource = new V2ResourceMetricSource { Name = ReadString(res, "name"), Target = TargetFrom(res) };
        }

        if (o["containerResource"] is JsonObject cr)
        {
            m.ContainerResource = new V2ContainerResourceMetricSource { Name = ReadString(cr, "name"), Container = ReadString(cr, "container"), Target = TargetFrom(cr) };
        }

        if (o["external"] is JsonObject ext)
        {
            var value = Read<ResourceQuantity>(ext, "targetValue");
            m.External = new V2ExternalMetricSource
            {
                Metric = new V2MetricIdentifier { Name = ReadString(ext, "metricName"), Selector = Read<V1LabelSelector>(ext, "metricSelector") },
                Target = new V2MetricTarget { Type = value is null ? "AverageValue" : "Value", Value = value, AverageValue = Read<ResourceQuantity>(ext, "targetAverageValue") },
            };
        }

        return m;
    }

    // A (container) resource target: utilization when given, else an average value.
    private static V2MetricTarget TargetFrom(JsonObject o)
    {
        var utilization = ReadInt(o, "targetAverageUtilization");
        return new V2MetricTarget
        {
            Type = utilization is null ? "AverageValue" : "Utilization",
            AverageUtilization = utilization,
            AverageValue = Read<ResourceQuantity>(o, "targetAverageValue"),
        };
    }

    private static JsonObject MetricStatusToV1(V2MetricStatus m)
    {
        var o = new JsonObject { ["type"] = m.Type };
        if (m.ObjectProperty is { } obj)
        {
            var s = new JsonObject { ["target"] = Reference(obj.DescribedObject), ["metricName"] = obj.Metric?.Name ?? "" };
            Put(s, "currentValue", obj.Current?.Value, always: true);
            Put(s, "selector", obj.Metric?.Selector);
            Put(s, "averageValue", obj.Current?.AverageValue);
            o["object"] = s;
        }

        if (m.Pods is { } pods)
        {
            var s = new JsonObject { ["metricName"] = pods.Metric?.Name ?? "" };
            Put(s, "currentAverageValue", pods.Current?.AverageValue, always: true);
            Put(s, "selector", pods.Metric?.Selector);
            o["pods"] = s;
        }

        if (m.Resource is { } res)
        {
            var s = new JsonObject { ["name"] = res.Name ?? "" };
            Put(s, "currentAverageUtilization", res.Current?.AverageUtilization);
            Put(s, "currentAverageValue", res.Current?.AverageValue, always: true);
            o["resource"] = s;
        }

        if (m.ContainerResource is { } cr)
        {
            var s = new JsonObject { ["name"] = cr.Name ?? "" };
            Put(s, "currentAverageUtilization", cr.Current?.AverageUtilization);
            Put(s, "currentAverageValue", cr.Current?.AverageValue, always: true);
            s["container"] = cr.Container ?? "";
            o["containerResource"] = s;
        }

        if (m.External is { } ext)
        {
            var s = new JsonObject { ["metricName"] = ext.Metric?.Name ?? "" };
            Put(s, "metricSelector", ext.Metric?.Selector);
            Put(s, "currentValue", ext.Current?.Value, always: true);
            Put(s, "currentAverageValue", ext.Current?.AverageValue);
            o["external"] = s;
        }

        return o;
    }

    private static V2MetricStatus MetricStatusFromV1(JsonObject o)
    {
        var m = new V2MetricStatus { Type = ReadString(o, "type") };
        var zero = new ResourceQuantity("0");
        if (o["object"] is JsonObject obj)
        {
            m.ObjectProperty = new V2ObjectMetricStatus
            {
                DescribedObject = ReferenceFrom(obj["target"] as JsonObject),
                Metric = new V2MetricIdentifier { Name = ReadString(obj, "metricName"), Selector = Read<V1LabelSelector>(obj, "selector") },
                Current = new V2MetricValueStatus { Value = Read<ResourceQuantity>(obj, "currentValue") ?? zero, AverageValue = Read<ResourceQuantity>(obj, "averageValue") },
            };
        }

        if (o["pods"] is JsonObject pods)
        {
            m.Pods = new V2PodsMetricStatus
            {
                Metric = new V2MetricIdentifier { Name = ReadString(pods, "metricName"), Selector = Read<V1LabelSelector>(pods, "selector") },
                Current = new V2MetricValueStatus { AverageValue = Read<ResourceQuantity>(pods, "currentAverageValue") ?? zero },
            };
        }

        if (o["resource"] is JsonObject res)
        {
            m.Resource = new V2ResourceMetricStatus
            {
                Name = ReadString(res, "name"),
                Current = new V2MetricValueStatus { AverageUtilization = ReadInt(res, "currentAverageUtilization"), AverageValue = Read<ResourceQuantity>(res, "currentAverageValue") ?? zero },
            };
        }

        if (o["containerResource"] is JsonObject cr)
        {
            m.ContainerResource = new V2ContainerResourceMetricStatus
            {
                Name = ReadString(cr, "name"),
                Container = ReadString(cr, "container"),
                Current = new V2MetricValueStatus { AverageUtilization = ReadInt(cr, "currentAverageUtilization"), AverageValue = Read<ResourceQuantity>(cr, "currentAverageValue") ?? zero },
            };
        }

        if (o["external"] is JsonObject ext)
        {
            m.External = new V2ExternalMetricStatus
            {
                Metric = new V2MetricIdentifier { Name = ReadString(ext, "metricName"), Selector = Read<V1LabelSelector>(ext, "metricSelector") },
                Current = new V2MetricValueStatus { Value = Read<ResourceQuantity>(ext, "currentValue") ?? zero, AverageValue = Read<ResourceQuantity>(ext, "currentAverageValue") },
            };
        }

        return m;
    }

    // Upstream writes this annotation from its internal type, which has no JSON tags: Go field names, nil as null.
    private static JsonObject BehaviorToGo(V2HorizontalPodAutoscalerBehavior b) => new()
    {
        ["ScaleUp"] = RulesToGo(b.ScaleUp),
        ["ScaleDown"] = RulesToGo(b.ScaleDown),
    };

    private static JsonObject? RulesToGo(V2HPAScalingRules? rules)
    {
        if (rules is null)
        {
            return null;
        }

        var o = new JsonObject
        {
            ["StabilizationWindowSeconds"] = rules.StabilizationWindowSeconds,
            ["SelectPolicy"] = rules.SelectPolicy,
            ["Policies"] = rules.Policies is null ? null : new JsonArray([.. rules.Policies.Select(p => new JsonObject { ["Type"] = p.Type, ["Value"] = p.Value, ["PeriodSeconds"] = p.PeriodSeconds })]),
        };
        if (rules.Tolerance is not null)
        {
            o["Tolerance"] = Node(rules.Tolerance);
        }

        return o;
    }

    // Go's decoder matches field names case-insensitively; an empty behavior counts as none.
    private static V2HorizontalPodAutoscalerBehavior? BehaviorFromGo(string text)
    {
        GoBehavior? go;
        try
        {
            go = JsonSerializer.Deserialize<GoBehavior>(text, GoFieldNames);
        }
        catch (JsonException)
        {
            return null;
        }

        if (go is null || (go.ScaleUp is null && go.ScaleDown is null))
        {
            return null;
        }

        return new V2HorizontalPodAutoscalerBehavior { ScaleUp = RulesFromGo(go.ScaleUp), ScaleDown = RulesFromGo(go.ScaleDown) };
    }

    private static V2HPAScalingRules? RulesFromGo(GoRules? rules) => rules is null ? null : new V2HPAScalingRules
    {
        StabilizationWindowSeconds = rules.StabilizationWindowSeconds,
        SelectPolicy = rules.SelectPolicy,
        Policies = rules.Policies?.Select(p => new V2HPAScalingPolicy { Type = p.Type, Value = p.Value, PeriodSeconds = p.PeriodSeconds }).ToList(),
        Tolerance = rules.Tolerance is { } t ? new ResourceQuantity(t.ToString()) : null,
    };

    private sealed record GoBehavior(GoRules? ScaleUp, GoRules? ScaleDown);

    private sealed record GoRules(int? StabilizationWindowSeconds, string? SelectPolicy, List<GoPolicy>? Policies, JsonElement? Tolerance);

    private sealed record GoPolicy(string Type, int Value, int PeriodSeconds);
}
