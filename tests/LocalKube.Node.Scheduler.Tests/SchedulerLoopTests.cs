using k8s.Models;
using LocalKube.Node.Scheduler.Cache;
using LocalKube.Node.Scheduler.Framework;
using LocalKube.Node.Scheduler.Queue;
using LocalKube.Node.Scheduler.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>The scheduling loop with a fake API: bind, fail, retry on events, preempt, bind volumes.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SchedulerLoopTests
{
    private FakeActions _api = null!;
    private FakeListers _listers = null!;
    private Runtime.Scheduler _scheduler = null!;

    [SetUp]
    public void SetUp()
    {
        _api = new FakeActions();
        _listers = new FakeListers();
        var framework = SchedulingFramework.CreateDefault(new Random(1));
        _scheduler = new Runtime.Scheduler(
            framework, new SchedulingQueue(TimeProvider.System, framework.EventsFor), new SchedulerCache(), _listers, _api, NullLogger.Instance, TimeProvider.System);
    }

    [Test]
    public async Task PendingPod_BoundWithTheScheduledEvent()
    {
        _scheduler.OnNodeChanged(MakeNode());
        Submit(Pod("web"));
        await StepAsync();
        Assert.Multiple(() =>
        {
            Assert.That(_api.Bindings, Is.EqualTo(new[] { ("web", "minikube") }));
            Assert.That(_api.Events.Single(), Is.EqualTo(("web", "Normal", "Scheduled", "Binding", "Successfully assigned default/web to minikube")));
            Assert.That(_scheduler.Queue.Counts, Is.EqualTo(default(QueueCounts)));
        });
    }

    [Test]
    public async Task TooBig_ConditionAndEvent_ThenANodeChangeRetriesIt()
    {
        _scheduler.OnNodeChanged(MakeNode(cpu: "2"));
        Submit(Pod("big", cpu: "4"));
        await StepAsync();
        const string message = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..";
        var (pod, status) = _api.StatusPatches.Single();
        var condition = status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Multiple(() =>
        {
            Assert.That(pod, Is.EqualTo("big"));
            Assert.That((condition.Status, condition.Reason, condition.Message), Is.EqualTo(("False", "Unschedulable", message)));
            Assert.That(_api.Events.Single(), Is.EqualTo(("big", "Warning", "FailedScheduling", "Scheduling", message)));
            Assert.That(_scheduler.Queue.Counts.Unschedulable, Is.EqualTo(1));
        });

        _scheduler.OnNodeChanged(MakeNode(cpu: "8"));
        await Task.Delay(1100);
        await StepAsync();
        Assert.That(_api.Bindings, Is.EqualTo(new[] { ("big", "minikube") }));
    }

    [Test]
    public async Task SameFailureTwice_StatusWrittenOnce_EventTwice()
    {
        _scheduler.OnNodeChanged(MakeNode(cpu: "1"));
        Submit(Pod("big", cpu: "4"));
        await StepAsync();
        _scheduler.OnClusterEvent(ClusterEvents.All);
        await Task.Delay(1100);
        await StepAsync();
        Assert.That(_api.StatusPatches, Has.Count.EqualTo(1));
        Assert.That(_api.Events.Count(e => e.Reason == "FailedScheduling"), Is.EqualTo(2));
    }

    [Test]
    public async Task BindRejected_AssumptionUndone_SchedulerError()
    {
        _scheduler.OnNodeChanged(MakeNode(cpu: "1"));
        _api.BindFailure = p => p.Metadata.Name == "a" ? new InvalidOperationException("conflict") : null;
        Submit(Pod("a", cpu: "1"));
        await StepAsync();
        var condition = _api.StatusPatches.Single().Status.Conditions.Single();
        Assert.That((condition.Reason, condition.Message), Is.EqualTo(("SchedulerError", "running Bind plugin \"DefaultBinder\": conflict")));
        Assert.That(_scheduler.Queue.Counts.Backoff + _scheduler.Queue.Counts.Active, Is.EqualTo(1), "an error backs off, it does not wait for an event");

        // "a" keeps failing; "b" gets the CPU "a" held (whichever of the two the queue offers first).
        Submit(Pod("b", cpu: "1"));
        for (var i = 0; i < 4 && _api.Bindings.Count == 0; i++)
        {
            await StepAsync();
        }

        Assert.That(_api.Bindings, Is.EqualTo(new[] { ("b", "minikube") }), "the failed pod's CPU is free again");
    }

    [Test]
    public async Task HigherPriority_PreemptsAndIsNominated()
    {
        _scheduler.OnNodeChanged(MakeNode(cpu: "1"));
        var low = Pod("low", cpu: "1", priority: 0).On("minikube");
        _api.Pods["low"] = low;
        _scheduler.OnPodChanged(low);
        Submit(Pod("high", cpu: "1", priority: 100));
        await StepAsync();
        var nominated = _api.StatusPatches.Single(p => p.Pod == "high").Status;
        var victimStatus = _api.StatusPatches.Single(p => p.Pod == "low").Status.Conditions.Single(c => c.Type == "DisruptionTarget");
        Assert.Multiple(() =>
        {
            Assert.That(_api.Deleted, Is.EqualTo(new[] { "low" }));
            Assert.That((victimStatus.Reason, victimStatus.Message), Is.EqualTo(("PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod")));
            Assert.That(_api.Events.Single(e => e.Reason == "Preempted").Note, Is.EqualTo("Preempted by pod uid-high on node minikube"));
            Assert.That(nominated.NominatedNodeName, Is.EqualTo("minikube"));
            Assert.That(nominated.Conditions.Single().Message, Is.EqualTo("0/1 nodes are available: 1 Insufficient cpu."));
        });

        // A lower-priority newcomer may not take the room the nominated pod is waiting for.
        _scheduler.OnPodDeleted("default", "low");
        Submit(Pod("sneaky", cpu: "1", priority: 50));
        await StepAsync();
        Assert.That(_api.Bindings.Select(b => b.Pod), Does.Not.Contain("sneaky"));
    }

    [Test]
    public async Task WaitForFirstConsumerClaim_AnnotatedWithTheNode_ThenBound()
    {
        _listers.Classes.Add(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "standard" }, Provisioner = "k8s.io/minikube-hostpath", VolumeBindingMode = "WaitForFirstConsumer" });
        _listers.Claims.Add(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default", Uid = "c1" },
            Spec = new V1PersistentVolumeClaimSpec { StorageClassName = "standard", AccessModes = ["ReadWriteOnce"] },
            Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" },
        });
        _scheduler.OnNodeChanged(MakeNode());
        var pod = Pod("db");
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } }];
        Submit(pod);
        await StepAsync();
        Assert.That(_api.ClaimUpdates.Single().Metadata.Annotations["volume.kubernetes.io/selected-node"], Is.EqualTo("minikube"));
        Assert.That(_api.Bindings, Is.EqualTo(new[] { ("db", "minikube") }));
    }

    [Test]
    public async Task ClaimsNeverBound_BindingTimesOut()
    {
        _listers.Classes.Add(new V1StorageClass { Metadata = new V1ObjectMeta { Name = "standard" }, Provisioner = "k8s.io/minikube-hostpath", VolumeBindingMode = "WaitForFirstConsumer" });
        _listers.Claims.Add(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default" },
            Spec = new V1PersistentVolumeClaimSpec { StorageClassName = "standard" },
        });
        _api.ClaimsBind = false;
        _scheduler.OnNodeChanged(MakeNode());
        var pod = Pod("db");
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } }];
        Submit(pod);
        await StepAsync();
        Assert.That(_api.StatusPatches.Single().Status.Conditions.Single().Message,
            Is.EqualTo("running Bind plugin \"DefaultBinder\": binding volumes: timed out waiting for the condition"));
    }

    [Test]
    public async Task OtherSchedulersPods_Ignored_GatedPods_Wait()
    {
        _scheduler.OnNodeChanged(MakeNode());
        var foreign = Pod("foreign");
        foreign.Spec.SchedulerName = "my-scheduler";
        Submit(foreign);
        var gated = Pod("gated");
        gated.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "wait" }];
        Submit(gated);
        Assert.That(_scheduler.Queue.Counts, Is.EqualTo(new QueueCounts(0, 0, 1, 1, 0)));
    }

    private void Submit(V1Pod pod)
    {
        _api.Pods[pod.Metadata.Name] = pod;
        _scheduler.OnPodChanged(pod);
    }

    private async Task StepAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _scheduler.ScheduleOneAsync(timeout.Token);
        await _scheduler.IdleAsync();
    }
}
