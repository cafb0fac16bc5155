using k8s.Models;
using LocalKube.Node.Scheduler.Framework;
using LocalKube.Node.Scheduler.Queue;
using Microsoft.Extensions.Time.Testing;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Priority order, backoff, unschedulable pods and their re-activation, gates.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SchedulingQueueTests
{
    private FakeTimeProvider _time = null!;
    private SchedulingQueue _queue = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _queue = new SchedulingQueue(_time, SchedulingFramework.CreateDefault().EventsFor);
    }

    [Test]
    public async Task Pop_HigherPriorityFirst_ThenOlder()
    {
        _queue.Add(Pod("a", priority: 0));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _queue.Add(Pod("b", priority: 0));
        _queue.Add(Pod("c", priority: 10));
        Assert.That(await Names(3), Is.EqualTo(new[] { "c", "a", "b" }));
    }

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(4, 8)]
    [TestCase(5, 10)]
    [TestCase(9, 10)]
    public void Backoff_DoublesFromOneSecond_CappedAtTen(int attempts, int seconds) =>
        Assert.That(SchedulingQueue.BackoffFor(attempts), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [Test]
    public async Task Rejected_WaitsForARelevantEvent_ThenBacksOff()
    {
        _queue.Add(Pod("p"));
        var popped = await _queue.PopAsync(CancellationToken.None);
        _queue.Requeue(popped, ["NodeResourcesFit"]);
        Assert.That(_queue.Counts.Unschedulable, Is.EqualTo(1));

        _queue.MoveAll(ClusterEvents.NodeLabel);
        Assert.That(_queue.Counts.Unschedulable, Is.EqualTo(1), "a label change cannot free CPU");

        _queue.MoveAll(ClusterEvents.AssignedPodDelete);
        Assert.That(_queue.Counts, Is.EqualTo(new QueueCounts(0, 1, 0, 0, 0)), "still within its 1 s backoff");

        var next = _queue.PopAsync(CancellationToken.None);
        Assert.That(next.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await next.WaitAsync(TimeSpan.FromSeconds(5))).Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task EventWhileInFlight_SkipsTheUnschedulableWait()
    {
        _queue.Add(Pod("p"));
        var popped = await _queue.PopAsync(CancellationToken.None);
        _queue.MoveAll(ClusterEvents.NodeAdd);
        _queue.Requeue(popped, ["NodeResourcesFit"]);
        Assert.That(_queue.Counts.Backoff, Is.EqualTo(1));
    }

    [Test]
    public async Task Error_BacksOffWithoutWaitingForAnEvent()
    {
        _queue.Add(Pod("p"));
        _queue.Requeue(await _queue.PopAsync(CancellationToken.None), []);
        Assert.That(_queue.Counts.Backoff, Is.EqualTo(1));
    }

    [Test]
    public async Task Unschedulable_RetriedAfterFiveMinutesAnyway()
    {
        _queue.Add(Pod("p"));
        _queue.Requeue(await _queue.PopAsync(CancellationToken.None), ["TaintToleration"]);
        var next = _queue.PopAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(50);
        Assert.That(next.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.That((await next.WaitAsync(TimeSpan.FromSeconds(5))).Pod.Name, Is.EqualTo("p"));
    }

    [Test]
    public async Task GatedPod_WaitsUntilItsGatesAreRemoved()
    {
        var pod = Pod("gated");
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "example.com/wait" }];
        _queue.Add(pod);
        _queue.MoveAll(ClusterEvents.All);
        Assert.That(_queue.Counts, Is.EqualTo(new QueueCounts(0, 0, 1, 1, 0)));

        var ungated = Pod("gated");
        _queue.Update(ungated);
        Assert.That((await _queue.PopAsync(CancellationToken.None)).Pod.Name, Is.EqualTo("gated"));
    }

    [Test]
    public async Task TolerationAdded_MovesATaintRejectedPod()
    {
        _queue.Add(Pod("p"));
        _queue.Requeue(await _queue.PopAsync(CancellationToken.None), ["TaintToleration"]);
        var updated = Pod("p");
        updated.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];
        _queue.Update(updated);
        Assert.That(_queue.Counts.Unschedulable, Is.Zero);
    }

    [Test]
    public async Task StatusOnlyUpdate_DoesNotMoveIt()
    {
        _queue.Add(Pod("p"));
        _queue.Requeue(await _queue.PopAsync(CancellationToken.None), ["TaintToleration"]);
        var updated = Pod("p");
        updated.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False" }];
        _queue.Update(updated);
        Assert.That(_queue.Counts.Unschedulable, Is.EqualTo(1));
    }

    [Test]
    public async Task Deleted_WhileInFlight_IsNotRequeued()
    {
        _queue.Add(Pod("p"));
        var popped = await _queue.PopAsync(CancellationToken.None);
        _queue.Delete(popped.Pod.Key);
        _queue.Requeue(popped, ["NodeResourcesFit"]);
        Assert.That(_queue.Counts, Is.EqualTo(default(QueueCounts)));
    }

    [Test]
    public void Close_FailsPendingPops()
    {
        var pop = _queue.PopAsync(CancellationToken.None);
        _queue.Close();
        Assert.That(async () => await pop.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Pop_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        var pop = _queue.PopAsync(cts.Token);
        cts.Cancel();
        Assert.That(async () => await pop.WaitAsync(TimeSpan.FromSeconds(5)), Throws.InstanceOf<OperationCanceledException>());
    }

    private async Task<List<string>> Names(int count)
    {
        var names = new List<string>();
        for (var i = 0; i < count; i++)
        {
            names.Add((await _queue.PopAsync(CancellationToken.None)).Pod.Name);
        }

        return names;
    }
}
