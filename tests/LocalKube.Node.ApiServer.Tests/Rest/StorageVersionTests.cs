using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Autoscaling;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// Resources served in two versions are one set of stored objects, as upstream: events (core/v1 and
/// events.k8s.io/v1, stored as core/v1) and HorizontalPodAutoscalers (autoscaling/v1 and v2, stored as v2), through
/// KubernetesClient, over the embedded store and a real etcd.
/// </summary>
[TestFixture(Backend.Embedded)]
[TestFixture(Backend.Etcd)]
[Parallelizable(ParallelScope.None)]
public sealed class StorageVersionTests(Backend backend)
{
    private static int _counter;
    private TestPki _pki = null!;
    private TempDirectory _temp = null!;
    private EtcdServer? _etcd;
    private RunningAgent _agent = null!;
    private Kubernetes _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        _temp = new TempDirectory("lk-versions");
        if (backend == Backend.Etcd)
        {
            _etcd = await EtcdServer.StartAsync(CancellationToken.None);
        }

        _agent = await RunningAgent.StartAsync(_pki, etcdServers: _etcd is null ? null : [_etcd.Url]);
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_pki.WriteKubeconfig(_temp.Combine("kubeconfig"), _agent.Port)));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        _pki.Dispose();
        _temp.Dispose();
    }

    [Test]
    public async Task An_event_created_through_events_v1_is_a_core_event_stored_in_the_core_shape()
    {
        var ns = await NamespaceAsync();
        var created = await _client.EventsV1.CreateNamespacedEventAsync(NewEvent("e1", "web-1", ns), ns);
        Assert.That(created.Note, Is.EqualTo("pulled image"));

        var core = await _client.CoreV1.ReadNamespacedEventAsync("e1", ns);
        Assert.Multiple(() =>
        {
            Assert.That(core.ApiVersion, Is.EqualTo("v1"));
            Assert.That(core.Message, Is.EqualTo("pulled image"));
            Assert.That(core.InvolvedObject.Name, Is.EqualTo("web-1"));
            Assert.That(core.ReportingComponent, Is.EqualTo("kubelet"));
            Assert.That(core.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(core.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
        });

        using var stored = await StoredAsync($"/registry/events/{ns}/e1");
        Assert.Multiple(() =>
        {
            Assert.That(stored.RootElement.GetProperty("apiVersion").GetString(), Is.EqualTo("v1"));
            Assert.That(stored.RootElement.GetProperty("message").GetString(), Is.EqualTo("pulled image"));
            Assert.That(stored.RootElement.TryGetProperty("note", out _), Is.False);
        });
    }

    [Test]
    public async Task A_core_event_is_an_events_v1_event_in_get_list_and_field_selectors()
    {
        var ns = await NamespaceAsync();
        await _client.CoreV1.CreateNamespacedEventAsync(NewCoreEvent("c1", "db-0", ns), ns);
        await _client.CoreV1.CreateNamespacedEventAsync(NewCoreEvent("c2", "db-1", ns), ns);
        await _client.EventsV1.CreateNamespacedEventAsync(NewEvent("n1", "db-0", ns), ns);

        var read = await _client.EventsV1.ReadNamespacedEventAsync("c1", ns);
        Assert.Multiple(() =>
        {
            Assert.That(read.ApiVersion, Is.EqualTo("events.k8s.io/v1"));
            Assert.That(read.Note, Is.EqualTo("started"));
            Assert.That(read.Regarding.Name, Is.EqualTo("db-0"));
            Assert.That(read.ReportingController, Is.EqualTo("kubelet"));
        });

        var all = await _client.EventsV1.ListNamespacedEventAsync(ns);
        Assert.That(all.Items.Select(e => e.Metadata.Name), Is.EqualTo(new[] { "c1", "c2", "n1" }));
        var coreAll = await _client.CoreV1.ListNamespacedEventAsync(ns);
        Assert.That(coreAll.Items.Select(e => e.Metadata.Name), Is.EqualTo(new[] { "c1", "c2", "n1" }));

        var byRegarding = await _client.EventsV1.ListNamespacedEventAsync(ns, fieldSelector: "regarding.name=db-0");
        Assert.That(byRegarding.Items.Select(e => e.Metadata.Name), Is.EqualTo(new[] { "c1", "n1" }));
        var byInvolved = await _client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=db-0");
        Assert.That(byInvolved.Items.Select(e => e.Metadata.Name), Is.EqualTo(new[] { "c1", "n1" }));
    }

    [Test]
    public async Task Updates_and_deletes_through_one_version_show_in_the_other()
    {
        var ns = await NamespaceAsync();
        await _client.EventsV1.CreateNamespacedEventAsync(NewEvent("u1", "web-1", ns), ns);
        await _client.CoreV1.PatchNamespacedEventAsync(new V1Patch("""{"message":"pulled again"}""", V1Patch.PatchType.MergePatch), "u1", ns);
        var v1 = await _client.EventsV1.ReadNamespacedEventAsync("u1", ns);
        Assert.That(v1.Note, Is.EqualTo("pulled again"));

        v1.Note = "third";
        var replaced = await _client.EventsV1.ReplaceNamespacedEventAsync(v1, "u1", ns);
        Assert.That((await _client.CoreV1.ReadNamespacedEventAsync("u1", ns)).Message, Is.EqualTo("third"));

        // An unchanged replace is no write: the resourceVersion stays.
        var again = await _client.EventsV1.ReplaceNamespacedEventAsync(replaced, "u1", ns);
        Assert.That(again.Metadata.ResourceVersion, Is.EqualTo(replaced.Metadata.ResourceVersion));

        await _client.EventsV1.DeleteNamespacedEventAsync("u1", ns);
        Assert.That((await _client.CoreV1.ListNamespacedEventAsync(ns)).Items, Is.Empty);
    }

    [Test]
    public async Task Watches_convert_live_events_and_filter_with_each_versions_field_names()
    {
        var ns = await NamespaceAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var start = (await _client.CoreV1.ListNamespacedEventAsync(ns)).Metadata.ResourceVersion;

        // Write through core/v1 and events.k8s.io/v1, then read both watches from the revision before the writes.
        await _client.CoreV1.CreateNamespacedEventAsync(NewCoreEvent("w1", "web-1", ns), ns);
        await _client.EventsV1.CreateNamespacedEventAsync(NewEvent("w2", "web-1", ns), ns);
        await _client.EventsV1.CreateNamespacedEventAsync(NewEvent("w3", "other", ns), ns);
        await _client.CoreV1.DeleteNamespacedEventAsync("w1", ns);

        var v1Seen = new List<(WatchEventType, string, string)>();
        await foreach (var (type, e) in _client.EventsV1.WatchListNamespacedEventAsync(ns, resourceVersion: start, fieldSelector: "regarding.name=web-1", cancellationToken: timeout.Token))
        {
            v1Seen.Add((type, e.Metadata.Name, e.Note));
            if (v1Seen.Count == 3)
            {
                break;
            }
        }

        var coreSeen = new List<(WatchEventType, string, string)>();
        await foreach (var (type, e) in _client.CoreV1.WatchListNamespacedEventAsync(ns, resourceVersion: start, fieldSelector: "involvedObject.name=web-1", cancellationToken: timeout.Token))
        {
            coreSeen.Add((type, e.Metadata.Name, e.Message));
            if (coreSeen.Count == 3)
            {
                break;
            }
        }

        var expected = new[]
        {
            (WatchEventType.Added, "w1", "started"),
            (WatchEventType.Added, "w2", "pulled image"),
            (WatchEventType.Deleted, "w1", "started"),
        };
        Assert.Multiple(() =>
        {
            Assert.That(v1Seen, Is.EqualTo(expected));
            Assert.That(coreSeen, Is.EqualTo(expected));
        });
    }

    [Test]
    public async Task An_autoscaling_v2_hpa_is_served_as_v1_and_a_v1_update_keeps_its_other_metrics()
    {
        var ns = await NamespaceAsync();
        var v2 = new V2HorizontalPodAutoscaler
        {
            // A v2 writer cannot smuggle a round-trip annotation in: upstream drops them from v2 objects.
            Metadata = new V1ObjectMeta { Name = "web", Annotations = new Dictionary<string, string> { ["team"] = "a", [HpaConversion.BehaviorSpecsAnnotation] = "{}" } },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MinReplicas = 2,
                MaxReplicas = 5,
                Metrics =
                [
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 60 } } },
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "memory", Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("500Mi") } } },
                ],
            },
        };
        await _client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(v2, ns);

        var v1 = await _client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Multiple(() =>
        {
            Assert.That(v1.ApiVersion, Is.EqualTo("autoscaling/v1"));
            Assert.That(v1.Spec.TargetCPUUtilizationPercentage, Is.EqualTo(60));
            Assert.That(v1.Spec.MinReplicas, Is.EqualTo(2));
            Assert.That(v1.Metadata.Annotations["team"], Is.EqualTo("a"));
            Assert.That(v1.Metadata.Annotations, Does.Not.ContainKey(HpaConversion.BehaviorSpecsAnnotation));
            Assert.That(v1.Metadata.Annotations[HpaConversion.MetricSpecsAnnotation],
                Is.EqualTo("""[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]"""));
        });

        v1.Spec.MaxReplicas = 9;
        v1.Spec.TargetCPUUtilizationPercentage = 70;
        var replaced = await _client.AutoscalingV1.ReplaceNamespacedHorizontalPodAutoscalerAsync(v1, "web", ns);
        Assert.That(replaced.Metadata.Annotations, Does.ContainKey(HpaConversion.MetricSpecsAnnotation));

        var back = await _client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Multiple(() =>
        {
            Assert.That(back.Spec.MaxReplicas, Is.EqualTo(9));
            Assert.That(back.Spec.Metrics.Select(m => (m.Resource.Name, m.Resource.Target.Type)), Is.EqualTo(new[] { ("memory", "AverageValue"), ("cpu", "Utilization") }));
            Assert.That(back.Spec.Metrics[1].Resource.Target.AverageUtilization, Is.EqualTo(70));
            Assert.That(back.Metadata.Annotations, Is.EqualTo(new Dictionary<string, string> { ["team"] = "a" }));
        });

        using var stored = await StoredAsync($"/registry/horizontalpodautoscalers/{ns}/web");
        Assert.That(stored.RootElement.GetProperty("apiVersion").GetString(), Is.EqualTo("autoscaling/v2"));
    }

    [Test]
    public async Task A_v1_hpa_without_a_target_gets_the_implied_cpu_target_in_both_versions()
    {
        var ns = await NamespaceAsync();
        var created = await _client.AutoscalingV1.CreateNamespacedHorizontalPodAutoscalerAsync(new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1HorizontalPodAutoscalerSpec { ScaleTargetRef = new V1CrossVersionObjectReference { Kind = "Deployment", Name = "api" }, MaxReplicas = 3 },
        }, ns);
        Assert.That(created.Spec.TargetCPUUtilizationPercentage, Is.EqualTo(HpaConversion.DefaultCpuUtilization));

        var v2 = await _client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("api", ns);
        Assert.That(v2.Spec.Metrics.Single().Resource.Target.AverageUtilization, Is.EqualTo(HpaConversion.DefaultCpuUtilization));

        var list = await _client.AutoscalingV1.ListNamespacedHorizontalPodAutoscalerAsync(ns);
        Assert.That(list.Items.Single().Spec.TargetCPUUtilizationPercentage, Is.EqualTo(HpaConversion.DefaultCpuUtilization));
    }

    [Test]
    public async Task Hpa_status_written_through_v2_reaches_v1_readers_and_watchers()
    {
        var ns = await NamespaceAsync();
        var start = (await _client.AutoscalingV1.ListNamespacedHorizontalPodAutoscalerAsync(ns)).Metadata.ResourceVersion;
        var hpa = await _client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            Spec = new V2HorizontalPodAutoscalerSpec { ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "s" }, MaxReplicas = 4 },
        }, ns);
        hpa.Status = new V2HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = 2,
            DesiredReplicas = 3,
            CurrentMetrics = [new V2MetricStatus { Type = "Resource", Resource = new V2ResourceMetricStatus { Name = "cpu", Current = new V2MetricValueStatus { AverageUtilization = 91, AverageValue = new ResourceQuantity("300m") } } }],
            Conditions = [new V2HorizontalPodAutoscalerCondition { Type = "AbleToScale", Status = "True", Reason = "ReadyForNewScale" }],
        };
        await _client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerStatusAsync(hpa, "s", ns);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(WatchEventType, int?)>();
        await foreach (var (type, h) in _client.AutoscalingV1.WatchListNamespacedHorizontalPodAutoscalerAsync(ns, resourceVersion: start, cancellationToken: timeout.Token))
        {
            seen.Add((type, h.Status?.CurrentCPUUtilizationPercentage));
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new (WatchEventType, int?)[] { (WatchEventType.Added, null), (WatchEventType.Modified, 91) }));
        var v1 = await _client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerStatusAsync("s", ns);
        Assert.Multiple(() =>
        {
            Assert.That(v1.Status.DesiredReplicas, Is.EqualTo(3));
            Assert.That(v1.Metadata.Annotations[HpaConversion.MetricStatusesAnnotation],
                Is.EqualTo("""[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":91,"currentAverageValue":"300m"}}]"""));
            Assert.That(v1.Metadata.Annotations[HpaConversion.ConditionsAnnotation], Does.Contain("\"type\":\"AbleToScale\""));
        });
    }

    private async Task<string> NamespaceAsync()
    {
        var name = $"sv{Interlocked.Increment(ref _counter)}-{backend.ToString().ToLowerInvariant()}";
        await _client.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    // The raw stored value of a key, read from the agent's store (the embedded one or etcd).
    private async Task<JsonDocument> StoredAsync(string key)
    {
        var store = _agent.Host.Services.GetRequiredService<StoreAccessor>().Store;
        var response = await store.RangeAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(key) }, CancellationToken.None);
        Assert.That(response.Kvs, Has.Count.EqualTo(1), key);
        return JsonDocument.Parse(response.Kvs[0].Value.Memory);
    }

    private static Eventsv1Event NewEvent(string name, string pod, string ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        EventTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Regarding = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = ns, ApiVersion = "v1" },
        Reason = "Pulled",
        Note = "pulled image",
        Type = "Normal",
        Action = "Pull",
        ReportingController = "kubelet",
        ReportingInstance = "node-1",
    };

    private static Corev1Event NewCoreEvent(string name, string pod, string ns) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = ns, ApiVersion = "v1" },
        Reason = "Started",
        Message = "started",
        Type = "Normal",
        Source = new V1EventSource { Component = "kubelet" },
        ReportingComponent = "kubelet",
        FirstTimestamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        LastTimestamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Count = 1,
    };
}
