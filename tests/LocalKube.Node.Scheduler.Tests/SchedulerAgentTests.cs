using System.Net;
using k8s;
using k8s.Models;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>
/// The scheduler component in the real agent (its own identity, shared informers, pods/binding), against the node
/// the kubelet component registers.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SchedulerAgentTests
{
    private const string NodeName = "sched-node";
    private TestAgent _agent = null!;
    private int _n;

    private Kubernetes Admin => _agent.Admin;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var options = new TestAgentOptions { NodeName = NodeName };
        options.Components.Add(NodeComponent.Scheduler);
        options.Components.Add(NodeComponent.Kubelet);
        _agent = await TestAgent.StartAsync(options);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _agent.DisposeAsync();

    [Test]
    public async Task PendingPod_Bound_WithScheduledConditionAndEvent()
    {
        var pod = await CreateAsync(NewPod());
        var bound = await WaitAsync(pod, p => !string.IsNullOrEmpty(p.Spec.NodeName));
        var scheduled = bound.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Multiple(() =>
        {
            Assert.That(bound.Spec.NodeName, Is.EqualTo(NodeName));
            Assert.That(scheduled.Status, Is.EqualTo("True"));
        });

        var note = await EventNoteAsync(pod, "Scheduled");
        Assert.That(note, Is.EqualTo($"Successfully assigned default/{pod.Metadata.Name} to {NodeName}"));
        var events = await Admin.EventsV1.ListNamespacedEventAsync("default", fieldSelector: $"regarding.name={pod.Metadata.Name}");
        Assert.That(events.Items.Single(e => e.Reason == "Scheduled").ReportingController, Is.EqualTo("default-scheduler"));
    }

    [Test]
    public async Task ThousandCpus_FailedSchedulingWithUpstreamsMessage()
    {
        var pod = NewPod();
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1000") } };
        pod = await CreateAsync(pod);
        const string message = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..";
        var failed = await WaitAsync(pod, p => p.Status.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true);
        var condition = failed.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Multiple(() =>
        {
            Assert.That((condition.Reason, condition.Message), Is.EqualTo(("Unschedulable", message)));
            Assert.That(failed.Spec.NodeName, Is.Null);
        });

        Assert.That(await EventNoteAsync(pod, "FailedScheduling"), Is.EqualTo(message));
    }

    [Test]
    public async Task Taint_KeepsPodsOff_UntilTheyTolerateIt()
    {
        await TaintAsync(new V1Taint { Key = "example.com/dedicated", Value = "ops", Effect = "NoSchedule" });
        try
        {
            var pod = await CreateAsync(NewPod());
            var failed = await WaitAsync(pod, p => p.Status.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true);
            Assert.That(failed.Status.Conditions.Single(c => c.Type == "PodScheduled").Message, Is.EqualTo(
                "0/1 nodes are available: 1 node(s) had untolerated taint {example.com/dedicated: ops}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));

            // Tolerations may be added to a pending pod: that alone brings it back to the queue.
            failed.Spec.Tolerations.Add(new V1Toleration { Key = "example.com/dedicated", OperatorProperty = "Equal", Value = "ops", Effect = "NoSchedule" });
            await Admin.CoreV1.ReplaceNamespacedPodAsync(failed, failed.Metadata.Name, "default");
            var bound = await WaitAsync(pod, p => !string.IsNullOrEmpty(p.Spec.NodeName));
            Assert.That(bound.Spec.NodeName, Is.EqualTo(NodeName));
        }
        finally
        {
            await TaintAsync(null);
        }
    }

    [Test]
    public async Task UntaintedAgain_WaitingPodIsScheduled()
    {
        await TaintAsync(new V1Taint { Key = "example.com/maintenance", Effect = "NoSchedule" });
        var pod = await CreateAsync(NewPod());
        await WaitAsync(pod, p => p.Status.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true);
        await TaintAsync(null);
        Assert.That((await WaitAsync(pod, p => !string.IsNullOrEmpty(p.Spec.NodeName))).Spec.NodeName, Is.EqualTo(NodeName));
    }

    [Test]
    public async Task SchedulerIdentity_CannotReadSecrets()
    {
        var e = Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _agent.Scheduler.CoreV1.ListNamespacedSecretAsync("default"))!;
        await Task.CompletedTask;
        Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private V1Pod NewPod() => new()
    {
        Metadata = new V1ObjectMeta { Name = "sched-" + Interlocked.Increment(ref _n) },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "registry.k8s.io/pause:3.10" }] },
    };

    private Task<V1Pod> CreateAsync(V1Pod pod) => Admin.CoreV1.CreateNamespacedPodAsync(pod, "default");

    private async Task TaintAsync(V1Taint? taint)
    {
        var node = await Admin.CoreV1.ReadNodeAsync(NodeName);
        node.Spec.Taints = (node.Spec.Taints ?? []).Where(t => !t.Key.StartsWith("example.com/", StringComparison.Ordinal)).ToList();
        if (taint is not null)
        {
            node.Spec.Taints.Add(taint);
        }

        await Admin.CoreV1.ReplaceNodeAsync(node, NodeName);
    }

    private async Task<V1Pod> WaitAsync(V1Pod pod, Func<V1Pod, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var current = await Admin.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, "default");
            if (done(current))
            {
                return current;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"pod {pod.Metadata.Name} did not get there: {KubernetesJson.Serialize(current.Status)}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> EventNoteAsync(V1Pod pod, string reason)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var events = await Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={pod.Metadata.Name}");
            if (events.Items.FirstOrDefault(e => e.Reason == reason) is { } found)
            {
                return found.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no {reason} event for {pod.Metadata.Name}");
            }

            await Task.Delay(100);
        }
    }
}
