using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Autoscaling;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

/// <summary>autoscaling/v1 ⇄ v2 conversion of HorizontalPodAutoscalers: upstream's annotations and round trips.</summary>
public sealed class HpaConversionTests
{
    [Test]
    public void A_v2_object_survives_a_trip_through_v1()
    {
        var v2 = FullV2();
        var v1 = HpaConversion.ToV1(v2);
        var back = HpaConversion.ToV2(v1);

        // v1 lists the CPU target last, so compare with the CPU metric moved to the end.
        var expected = FullV2();
        var cpu = expected.Spec.Metrics[0];
        expected.Spec.Metrics.RemoveAt(0);
        expected.Spec.Metrics.Add(cpu);
        Assert.That(KubernetesJson.Serialize(back), Is.EqualTo(KubernetesJson.Serialize(expected)));
    }

    [Test]
    public void A_v1_object_survives_a_trip_through_v2()
    {
        var v1 = new V1HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v1",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns", Annotations = new Dictionary<string, string> { ["team"] = "a" } },
            Spec = new V1HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V1CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MinReplicas = 1,
                MaxReplicas = 4,
                TargetCPUUtilizationPercentage = 55,
            },
            Status = new V1HorizontalPodAutoscalerStatus { CurrentReplicas = 2, DesiredReplicas = 3, CurrentCPUUtilizationPercentage = 70, ObservedGeneration = 4 },
        };
        var v2 = HpaConversion.ToV2(v1);
        Assert.Multiple(() =>
        {
            Assert.That(v2.Spec.Metrics.Single().Resource.Target.AverageUtilization, Is.EqualTo(55));
            Assert.That(v2.Status.CurrentMetrics.Single().Resource.Current.AverageUtilization, Is.EqualTo(70));
        });

        // Back in v1, the current metrics ride along in their annotation (upstream keeps the raw value too).
        var back = HpaConversion.ToV1(v2);
        Assert.That(back.Metadata.Annotations[HpaConversion.MetricStatusesAnnotation],
            Is.EqualTo("""[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":70,"currentAverageValue":"0"}}]"""));
        back.Metadata.Annotations.Remove(HpaConversion.MetricStatusesAnnotation);
        Assert.That(KubernetesJson.Serialize(back), Is.EqualTo(KubernetesJson.Serialize(v1)));
    }

    [Test]
    public void Other_metrics_use_v1s_own_metric_shapes_in_the_metrics_annotation()
    {
        var v1 = HpaConversion.ToV1(FullV2());
        Assert.Multiple(() =>
        {
            Assert.That(v1.Spec.TargetCPUUtilizationPercentage, Is.EqualTo(75));
            Assert.That(v1.Metadata.Annotations[HpaConversion.MetricSpecsAnnotation], Is.EqualTo(
                "[" +
                """{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}},""" +
                """{"type":"Object","object":{"target":{"kind":"Ingress","name":"main","apiVersion":"networking.k8s.io/v1"},"metricName":"hits","targetValue":"2k"}},""" +
                """{"type":"External","external":{"metricName":"queue","metricSelector":{"matchLabels":{"q":"jobs"}},"targetAverageValue":"30"}},""" +
                """{"type":"ContainerResource","containerResource":{"name":"memory","targetAverageUtilization":50,"container":"app"}}""" +
                "]"));
        });
    }

    [Test]
    public void Behavior_travels_with_upstreams_internal_field_names()
    {
        var v1 = HpaConversion.ToV1(FullV2());
        Assert.That(v1.Metadata.Annotations[HpaConversion.BehaviorSpecsAnnotation], Is.EqualTo(
            """{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},"ScaleDown":null}"""));
    }

    [Test]
    public void Conditions_travel_in_v1s_condition_shape_with_readable_text()
    {
        var v1 = HpaConversion.ToV1(FullV2());
        Assert.That(v1.Metadata.Annotations[HpaConversion.ConditionsAnnotation], Is.EqualTo(
            """[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z","reason":"ReadyForNewScale","message":"the HPA controller's \"scale\" is fine"}]"""));
    }

    [Test]
    public void Behavior_written_by_another_client_is_read_case_insensitively_as_go_does()
    {
        var v1 = new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta
            {
                Name = "x",
                Annotations = new Dictionary<string, string>
                {
                    [HpaConversion.BehaviorSpecsAnnotation] = """{"scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Min","policies":[{"type":"Percent","value":10,"periodSeconds":60}]}}""",
                    [HpaConversion.MetricSpecsAnnotation] = "not json",
                },
            },
            Spec = new V1HorizontalPodAutoscalerSpec { MaxReplicas = 2 },
        };
        var v2 = HpaConversion.ToV2(v1);
        Assert.Multiple(() =>
        {
            Assert.That(v2.Spec.Behavior.ScaleUp, Is.Null);
            Assert.That(v2.Spec.Behavior.ScaleDown.StabilizationWindowSeconds, Is.EqualTo(300));
            Assert.That(v2.Spec.Behavior.ScaleDown.Policies.Single().Value, Is.EqualTo(10));

            // An unreadable annotation is ignored, and the implied CPU target fills the empty metric list.
            Assert.That(v2.Spec.Metrics.Single().Resource.Target.AverageUtilization, Is.EqualTo(HpaConversion.DefaultCpuUtilization));
            Assert.That(v2.Metadata.Annotations, Is.Null);
        });
    }

    [Test]
    public void Conversion_leaves_the_input_untouched()
    {
        var v1 = new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "x", Annotations = new Dictionary<string, string> { [HpaConversion.ConditionsAnnotation] = "[]", ["keep"] = "1" } },
            Spec = new V1HorizontalPodAutoscalerSpec { MaxReplicas = 2 },
        };
        var v2 = HpaConversion.ToV2(v1);
        Assert.Multiple(() =>
        {
            Assert.That(v1.Metadata.Annotations, Has.Count.EqualTo(2));
            Assert.That(v2.Metadata.Annotations, Is.EqualTo(new Dictionary<string, string> { ["keep"] = "1" }));
        });
    }

    private static V2HorizontalPodAutoscaler FullV2() => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns", Annotations = new Dictionary<string, string> { ["team"] = "a" } },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
            MinReplicas = 2,
            MaxReplicas = 10,
            Metrics =
            [
                new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 75 } } },
                new V2MetricSpec
                {
                    Type = "Pods",
                    Pods = new V2PodsMetricSource { Metric = new V2MetricIdentifier { Name = "qps" }, Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("10") } },
                },
                new V2MetricSpec
                {
                    Type = "Object",
                    ObjectProperty = new V2ObjectMetricSource
                    {
                        DescribedObject = new V2CrossVersionObjectReference { ApiVersion = "networking.k8s.io/v1", Kind = "Ingress", Name = "main" },
                        Metric = new V2MetricIdentifier { Name = "hits" },
                        Target = new V2MetricTarget { Type = "Value", Value = new ResourceQuantity("2k") },
                    },
                },
                new V2MetricSpec
                {
                    Type = "External",
                    External = new V2ExternalMetricSource
                    {
                        Metric = new V2MetricIdentifier { Name = "queue", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["q"] = "jobs" } } },
                        Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("30") },
                    },
                },
                new V2MetricSpec
                {
                    Type = "ContainerResource",
                    ContainerResource = new V2ContainerResourceMetricSource { Name = "memory", Container = "app", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 50 } },
                },
            ],
            Behavior = new V2HorizontalPodAutoscalerBehavior
            {
                ScaleUp = new V2HPAScalingRules { StabilizationWindowSeconds = 0, SelectPolicy = "Max", Policies = [new V2HPAScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 }] },
            },
        },
        Status = new V2HorizontalPodAutoscalerStatus
        {
            ObservedGeneration = 3,
            CurrentReplicas = 4,
            DesiredReplicas = 5,
            CurrentMetrics =
            [
                new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = "cpu", Current = new V2MetricValueStatus { AverageUtilization = 80, AverageValue = new ResourceQuantity("250m") } } },
                new V2MetricStatus { Type = "Pods", Pods = new V2PodsMetricStatus { Metric = new V2MetricIdentifier { Name = "qps" }, Current = new V2MetricValueStatus { AverageValue = new ResourceQuantity("12") } } },
                new V2MetricStatus
                {
                    Type = "External",
                    External = new V2ExternalMetricStatus { Metric = new V2MetricIdentifier { Name = "queue" }, Current = new V2MetricValueStatus { Value = new ResourceQuantity("7"), AverageValue = new ResourceQuantity("2") } },
                },
            ],
            Conditions =
            [
                new V2HorizontalPodAutoscalerCondition { Type = "AbleToScale", Status = "True", Reason = "ReadyForNewScale", Message = "the HPA controller's \"scale\" is fine", LastTransitionTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc) },
            ],
        },
    };
}
