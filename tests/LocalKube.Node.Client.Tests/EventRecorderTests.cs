using k8s.Models;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Client.Tests;

[TestFixture]
[Category("Integration")]
public sealed class EventRecorderTests
{
    [Test]
    public async Task A_hundred_identical_events_become_one_event_with_a_series_count()
    {
        await using var agent = await TestAgent.StartAsync();
        await using var broadcaster = new EventBroadcaster(agent.ControllerManager, NullLoggerFactory.Instance, TimeProvider.System, "test-node");
        broadcaster.Start();
        var recorder = broadcaster.NewRecorder("replicaset-controller");
        var cm = await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "subject" } }, "default");
        for (var i = 0; i < 100; i++)
        {
            recorder.Eventf(cm, null, EventTypes.Warning, "FailedCreate", "Create", $"attempt {i}: quota exceeded");
        }

        recorder.Eventf(cm, null, EventTypes.Normal, "SuccessfulCreate", "Create", "created at last");
        await broadcaster.FlushAsync(CancellationToken.None);

        var events = (await agent.Admin.EventsV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Regarding.Name == "subject").ToList();
        Assert.That(events, Has.Count.EqualTo(2), string.Join("\n", events.Select(e => $"{e.Reason} {e.Series?.Count}")));
        var failed = events.Single(e => e.Reason == "FailedCreate");
        Assert.Multiple(() =>
        {
            Assert.That(failed.Series?.Count, Is.EqualTo(100));
            Assert.That(failed.Note, Is.EqualTo("attempt 0: quota exceeded"), "the first note stays");
            Assert.That(failed.ReportingController, Is.EqualTo("replicaset-controller"));
            Assert.That(failed.ReportingInstance, Is.EqualTo("replicaset-controller-test-node"));
            Assert.That(failed.Regarding.Kind, Is.EqualTo("ConfigMap"));
            Assert.That(failed.Regarding.Uid, Is.EqualTo(cm.Metadata.Uid));
            Assert.That(events.Single(e => e.Reason == "SuccessfulCreate").Series, Is.Null);
        });
    }

    // The kubelet's and the controller manager's recorder (client-go tools/record): what `kubectl describe` shows there.
    [Test]
    public async Task Legacy_correlation_keeps_each_message_and_writes_every_repeat_at_once()
    {
        await using var agent = await TestAgent.StartAsync();
        await using var broadcaster = Legacy(agent, TimeProvider.System);
        var recorder = broadcaster.NewRecorder("replicaset-controller");
        var rs = await Subject(agent, "rs");
        recorder.Eventf(rs, null, EventTypes.Normal, "SuccessfulCreate", "Create", "Created pod: rs-a");
        recorder.Eventf(rs, null, EventTypes.Normal, "SuccessfulCreate", "Create", "Created pod: rs-b");
        recorder.Eventf(rs, null, EventTypes.Normal, "SuccessfulCreate", "Create", "Created pod: rs-a");
        recorder.Eventf(rs, null, EventTypes.Normal, "SuccessfulCreate", "Create", "Created pod: rs-a");

        // No flush: each repeat's count is written as it happens (tools/events would hold the third until a refresh).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<Eventsv1Event> events;
        do
        {
            await Task.Delay(50);
            events = await EventsAboutAsync(agent, "rs");
        }
        while (DateTime.UtcNow < deadline && events.FirstOrDefault(e => e.Note == "Created pod: rs-a")?.Series?.Count != 3);

        Assert.That(events.Select(e => (e.Note, e.Series?.Count)).Order(), Is.EqualTo(new[] { ("Created pod: rs-a", (int?)3), ("Created pod: rs-b", null) }));
    }

    [Test]
    public async Task Legacy_correlation_does_not_split_a_series_when_the_objects_resource_version_changes()
    {
        await using var agent = await TestAgent.StartAsync();
        await using var broadcaster = Legacy(agent, TimeProvider.System);
        var recorder = broadcaster.NewRecorder("kubelet", "node-1");
        var pod = await Subject(agent, "crashing");
        recorder.EventAbout(pod, "spec.containers{app}", EventTypes.Warning, "BackOff", "Syncing", "Back-off restarting failed container app");
        pod.Data = new Dictionary<string, string> { ["status"] = "changed" };
        var updated = await agent.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(pod, "crashing", "default");
        Assert.That(updated.Metadata.ResourceVersion, Is.Not.EqualTo(pod.Metadata.ResourceVersion));
        recorder.EventAbout(updated, "spec.containers{app}", EventTypes.Warning, "BackOff", "Syncing", "Back-off restarting failed container app");
        await broadcaster.FlushAsync(CancellationToken.None);

        var events = await EventsAboutAsync(agent, "crashing");
        Assert.That(events.Select(e => (e.Reason, e.Series?.Count, e.ReportingInstance)), Is.EqualTo(new[] { ("BackOff", (int?)2, "node-1") }), "the kubelet reports its node name");
    }

    [Test]
    public async Task Legacy_correlation_combines_the_tenth_and_later_message_variants()
    {
        await using var agent = await TestAgent.StartAsync();
        await using var broadcaster = Legacy(agent, TimeProvider.System);
        var recorder = broadcaster.NewRecorder("replicaset-controller");
        var rs = await Subject(agent, "big");
        for (var i = 0; i < 12; i++)
        {
            recorder.Eventf(rs, null, EventTypes.Normal, "SuccessfulCreate", "Create", $"Created pod: big-{i}");
        }

        await broadcaster.FlushAsync(CancellationToken.None);
        var events = await EventsAboutAsync(agent, "big");
        var combined = events.Where(e => e.Note.StartsWith("(combined", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(events.Where(e => e.Series is null).Select(e => e.Note).Order(), Is.EqualTo(Enumerable.Range(0, 9).Select(i => $"Created pod: big-{i}").Order()));
            Assert.That(combined, Has.Count.EqualTo(1));
            Assert.That(combined[0].Note, Is.EqualTo("(combined from similar events): Created pod: big-11"), "the latest variant");
            Assert.That(combined[0].Series?.Count, Is.EqualTo(3), "variants 10, 11 and 12");
        });
    }

    [Test]
    public async Task Legacy_correlation_lets_25_events_about_one_object_through_then_one_per_five_minutes()
    {
        await using var agent = await TestAgent.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broadcaster = Legacy(agent, time);
        var recorder = broadcaster.NewRecorder("job-controller");
        var job = await Subject(agent, "noisy");
        for (var i = 0; i < 30; i++)
        {
            recorder.Eventf(job, null, EventTypes.Normal, $"Reason{i}", "Sync", "something happened");
        }

        await broadcaster.FlushAsync(CancellationToken.None);
        Assert.That(await EventsAboutAsync(agent, "noisy"), Has.Count.EqualTo(25));

        time.Advance(TimeSpan.FromMinutes(5));
        recorder.Eventf(job, null, EventTypes.Normal, "Reason30", "Sync", "something happened");
        recorder.Eventf(job, null, EventTypes.Normal, "Reason31", "Sync", "something happened");
        await broadcaster.FlushAsync(CancellationToken.None);
        Assert.That((await EventsAboutAsync(agent, "noisy")).Select(e => e.Reason).ToList(), Has.Count.EqualTo(26).And.Contains("Reason30"));
    }

    private static EventBroadcaster Legacy(TestAgent agent, TimeProvider time)
    {
        var broadcaster = new EventBroadcaster(agent.ControllerManager, NullLoggerFactory.Instance, time, "test-node") { Correlation = EventCorrelation.Legacy };
        broadcaster.Start();
        return broadcaster;
    }

    private static Task<V1ConfigMap> Subject(TestAgent agent, string name) =>
        agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");

    private static async Task<List<Eventsv1Event>> EventsAboutAsync(TestAgent agent, string name) =>
        (await agent.Admin.EventsV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Regarding.Name == name).ToList();
}
