using k8s;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Kubelet.Tests.Agent;

/// <summary>
/// Issue 10's "a pod with 100 containers, or 200 pods at once: no crash" on the real agent (API server, kubelet,
/// simulated runtime; the scheduler where capacity is the question), one fresh agent per test. The kubelet must
/// run what is bound to it and keep serving; pods beyond the node's capacity are the scheduler's to hold back.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class SimulatedKubeletLoadTests
{
    private TestAgent _agent = null!;

    [TearDown]
    public async Task StopAgent()
    {
        // A test whose agent did not start leaves the previous (already disposed) one: dispose each agent once.
        var agent = _agent;
        _agent = null!;
        if (agent is not null)
        {
            await agent.DisposeAsync();
        }
    }

    [Test]
    public async Task Two_hundred_pods_bound_at_once_all_run_and_the_kubelet_keeps_serving()
    {
        await StartAsync(maxPods: 250);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod($"many-{i}", "test-node"), "default")));

        await WaitForAsync(async () => (await RunningAsync()).Count == 200, "200 pods Running");
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("after", "test-node"), "default");
        await WaitForAsync(async () => (await RunningAsync()).Contains("after"), "a pod created after the 200 runs");
        Assert.That(_agent.Run.IsCompleted, Is.False, "the agent is still running");
        Assert.That(await NodeConditionAsync("Ready"), Is.EqualTo("True"));

        await _agent.Admin.CoreV1.DeleteCollectionNamespacedPodAsync("default");
        await WaitForAsync(async () => (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default")).Items.Count == 0, "every pod terminated and deleted by the kubelet");
    }

    [Test]
    public async Task A_pod_of_100_containers_runs_them_all()
    {
        await StartAsync();
        var pod = Pod("hundred", "test-node");
        pod.Spec.Containers = Enumerable.Range(0, 100).Select(i => new V1Container { Name = $"c{i}", Image = "busybox:1.36" }).ToList();
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("small", "test-node"), "default");

        V1Pod? read = null;
        await WaitForAsync(
            async () =>
            {
                read = await _agent.Admin.CoreV1.ReadNamespacedPodAsync("hundred", "default");
                return read.Status?.ContainerStatuses?.Count(c => c.Ready) == 100;
            },
            "100 containers ready");
        await WaitForAsync(async () => (await RunningAsync()).Contains("small"), "the other pod runs");
        Assert.Multiple(() =>
        {
            Assert.That(read!.Status.ContainerStatuses.Select(c => c.Name), Is.EquivalentTo(Enumerable.Range(0, 100).Select(i => $"c{i}")));
            Assert.That(read.Status.ContainerStatuses.Select(c => c.ContainerID).Distinct().Count(), Is.EqualTo(100));
            Assert.That(read.Status.Conditions.Single(c => c.Type == "Ready").Status, Is.EqualTo("True"));
            Assert.That(_agent.Run.IsCompleted, Is.False, "the agent is still running");
        });
    }

    [Test]
    public async Task Two_hundred_pods_for_a_node_of_110_wait_in_the_scheduler_and_the_rest_run()
    {
        await StartAsync(NodeComponent.Scheduler);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod($"cap-{i}", null), "default")));

        // The node's capacity is the kubelet's maxPods (110, upstream's default): the scheduler binds that many.
        await WaitForAsync(async () => (await RunningAsync()).Count == 110, "110 pods Running");
        await WaitForAsync(
            async () => (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default")).Items.Count(p => p.Spec.NodeName is null && Unschedulable(p)?.Contains("Too many pods", StringComparison.Ordinal) == true) == 90,
            "90 pods Pending as unschedulable for Too many pods");
        // Give the kubelet a moment to misbehave: nothing more may be bound or run.
        await Task.Delay(1000);
        var pods = (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default")).Items;
        var ready = await NodeConditionAsync("Ready");
        Assert.Multiple(() =>
        {
            Assert.That(pods.Count(p => p.Spec.NodeName == "test-node"), Is.EqualTo(110));
            Assert.That(pods.Count(p => p.Status?.Phase == "Running"), Is.EqualTo(110));
            Assert.That(pods.Where(p => p.Spec.NodeName is null).Select(p => p.Status?.Phase), Is.All.EqualTo("Pending"));
            Assert.That(ready, Is.EqualTo("True"));
            Assert.That(_agent.Run.IsCompleted, Is.False, "the agent is still running");
        });
    }

    [Test]
    public async Task Pods_bound_by_hand_past_the_node_capacity_are_rejected_as_OutOfpods_and_the_rest_run()
    {
        await StartAsync(maxPods: 20);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod($"hand-{i}", "test-node"), "default")));

        await WaitForAsync(async () => (await RunningAsync()).Count == 20, "20 pods Running");
        await WaitForAsync(async () => (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Failed")).Items.Count == 10, "10 pods Failed");
        var pods = (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default")).Items;
        var rejected = pods.Where(p => p.Status?.Phase == "Failed").ToList();
        // Each rejection's Warning event is written after its status (the recorder's queue): wait for the ten.
        await WaitForAsync(async () => (await _agent.Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "reason=OutOfpods")).Items.Count >= 10, "10 OutOfpods events");
        var events = (await _agent.Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "reason=OutOfpods")).Items;
        Assert.Multiple(() =>
        {
            Assert.That(rejected.Select(p => p.Status.Reason), Is.All.EqualTo("OutOfpods"));
            Assert.That(rejected.Select(p => p.Status.Message), Is.All.EqualTo("Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 20, capacity: 20"));
            Assert.That(rejected.Select(p => p.Status.ContainerStatuses), Is.All.Null);
            Assert.That(events.Select(e => e.InvolvedObject.Name), Is.EquivalentTo(rejected.Select(p => p.Metadata.Name)));
            Assert.That(events.Select(e => e.Type), Is.All.EqualTo("Warning"));
        });

        // The rejected pods are deleted at once (nothing of them runs); the running ones terminate as usual.
        await _agent.Admin.CoreV1.DeleteCollectionNamespacedPodAsync("default");
        await WaitForAsync(async () => (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default")).Items.Count == 0, "every pod deleted");
    }

    private async Task StartAsync(params NodeComponent[] more) => await StartAsync(null, more);

    private async Task StartAsync(int? maxPods, params NodeComponent[] more)
    {
        var options = new TestAgentOptions();
        if (maxPods is { } max)
        {
            options.ExtraConfig.Add($"kubelet.max-pods={max}");
        }

        options.Components.Add(NodeComponent.ContainerRuntime);
        options.Components.Add(NodeComponent.Kubelet);
        foreach (var component in more)
        {
            options.Components.Add(component);
        }

        _agent = await TestAgent.StartAsync(options);
    }

    private async Task<List<string>> RunningAsync() =>
        (await _agent.Admin.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "status.phase=Running")).Items.Select(p => p.Metadata.Name).ToList();

    private async Task<string> NodeConditionAsync(string type) =>
        (await _agent.Admin.CoreV1.ReadNodeAsync("test-node")).Status.Conditions.Single(c => c.Type == type).Status;

    private static string? Unschedulable(V1Pod pod) =>
        pod.Status?.Conditions?.SingleOrDefault(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable")?.Message;

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what);
            await Task.Delay(200);
        }
    }

    private static V1Pod Pod(string name, string? node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = node,
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "busybox:1.36" }],
        },
    };
}
