using k8s.Models;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Testing;
using Microsoft.Extensions.Logging.Abstractions;

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
}
