using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;
using static LocalKube.Node.Kubelet.Tests.Status.StatusFixtures;

namespace LocalKube.Node.Kubelet.Tests.Lifecycle;

[TestFixture]
[Category("Unit")]
public sealed class PodActionsPlannerTests
{
    private readonly FakeVerdicts _probes = new();

    [Test]
    public void A_new_pod_gets_a_sandbox_and_its_containers()
    {
        var actions = PodActionsPlanner.Compute(Pod(), PodRuntimeStatus.Empty("uid-1"), _probes);
        Assert.Multiple(() =>
        {
            Assert.That(actions.CreateSandbox, Is.True);
            Assert.That(actions.Attempt, Is.EqualTo(0));
            Assert.That(actions.ContainersToStart, Is.EqualTo(new[] { 0 }));
        });
    }

    [Test]
    public void A_new_pod_with_init_containers_starts_the_first_only()
    {
        var pod = Pod("Always", [new V1Container { Name = "a", Image = "x:1" }, new V1Container { Name = "b", Image = "x:1" }]);
        var actions = PodActionsPlanner.Compute(pod, PodRuntimeStatus.Empty("uid-1"), _probes);
        Assert.That(actions.InitContainersToStart, Is.EqualTo(new[] { 0 }));
        Assert.That(actions.ContainersToStart, Is.Empty);

        actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("a", 0)]), _probes);
        Assert.That(actions.InitContainersToStart, Is.EqualTo(new[] { 1 }), "the next init container after a success");
        actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("a")]), _probes);
        Assert.That(actions.InitContainersToStart, Is.Empty, "wait for a running init container");
        Assert.That(actions.ContainersToStart, Is.Empty);
        actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("a", 0), Exited("b", 0, createdSecond: 3)]), _probes);
        Assert.That(actions.ContainersToStart, Is.EqualTo(new[] { 0 }), "app containers after the last init container");
        actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("a", 1)]), _probes);
        Assert.That(actions.InitContainersToStart, Is.EqualTo(new[] { 0 }), "a failed init container is retried");
        Assert.That(actions.ContainersToStart, Is.Empty, "and blocks the app");
    }

    [Test]
    public void A_failed_init_container_under_Never_kills_the_pod()
    {
        var pod = Pod("Never", [new V1Container { Name = "a", Image = "x:1" }]);
        var actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("a", 1)]), _probes);
        Assert.That(actions.KillPod, Is.True);
        Assert.That(actions.InitContainersToStart, Is.Empty);
    }

    [TestCase("Always", 0, true)]
    [TestCase("Always", 1, true)]
    [TestCase("OnFailure", 0, false)]
    [TestCase("OnFailure", 1, true)]
    [TestCase("Never", 1, false)]
    public void Restart_policy(string policy, int exitCode, bool restarted)
    {
        var actions = PodActionsPlanner.Compute(Pod(policy), new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("web", exitCode)]), _probes);
        Assert.That(actions.ContainersToStart.Count == 1, Is.EqualTo(restarted));
        Assert.That(actions.KillPod, Is.EqualTo(!restarted), "nothing left to run kills the pod (stops its sandbox)");
    }

    [Test]
    public void Liveness_failure_kills_and_restarts_with_upstream_message()
    {
        var running = Running("web");
        _probes.Live["web-0"] = false;
        var actions = PodActionsPlanner.Compute(Pod(), new PodRuntimeStatus("uid-1", [Sandbox()], [running]), _probes);
        Assert.That(actions.ContainersToKill.Single().Message, Is.EqualTo("Container web failed liveness probe, will be restarted"));
        Assert.That(actions.ContainersToStart, Is.EqualTo(new[] { 0 }));
        actions = PodActionsPlanner.Compute(Pod("Never"), new PodRuntimeStatus("uid-1", [Sandbox()], [running]), _probes);
        Assert.That(actions.ContainersToKill.Single().Message, Is.EqualTo("Container web failed liveness probe"));
        Assert.That(actions.ContainersToStart, Is.Empty);
    }

    [Test]
    public void A_changed_spec_restarts_the_container()
    {
        var pod = Pod();
        var running = Running("web") with
        {
            Annotations = new Dictionary<string, string> { [KubernetesLabels.ContainerHash] = "00000000", [KubernetesLabels.ContainerRestartCount] = "0" },
        };
        var actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [running]), _probes);
        Assert.That(actions.ContainersToKill.Single().Message, Is.EqualTo("Container web definition changed, will be restarted"));
        var same = running with
        {
            Annotations = new Dictionary<string, string> { [KubernetesLabels.ContainerHash] = ContainerHash.Of(pod.Spec.Containers[0]) },
        };
        Assert.That(PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [same]), _probes).ContainersToKill, Is.Empty);
    }

    [Test]
    public void A_dead_sandbox_restarts_the_pod_from_its_first_init_container()
    {
        var pod = Pod("Always", [new V1Container { Name = "a", Image = "x:1" }]);
        var runtime = new PodRuntimeStatus("uid-1", [Sandbox(ready: false)], [Exited("a", 0), Exited("web", 137, createdSecond: 4)]);
        var actions = PodActionsPlanner.Compute(pod, runtime, _probes);
        Assert.Multiple(() =>
        {
            Assert.That(actions.KillPod, Is.True);
            Assert.That(actions.CreateSandbox, Is.True);
            Assert.That(actions.Attempt, Is.EqualTo(1));
            Assert.That(actions.InitContainersToStart, Is.EqualTo(new[] { 0 }));
        });
    }

    [Test]
    public void A_finished_Never_pod_gets_no_new_sandbox()
    {
        var actions = PodActionsPlanner.Compute(Pod("Never"), new PodRuntimeStatus("uid-1", [Sandbox(ready: false)], [Exited("web", 0)]), _probes);
        Assert.That(actions.KillPod, Is.True);
        Assert.That(actions.CreateSandbox, Is.False);
    }

    [Test]
    public void Sidecars_start_in_order_and_do_not_keep_a_finished_pod()
    {
        var pod = Pod("Never", [new V1Container { Name = "proxy", Image = "x:1", RestartPolicy = "Always" }, new V1Container { Name = "init", Image = "x:1" }]);
        var actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("proxy")]), _probes);
        Assert.That(actions.InitContainersToStart, Is.EqualTo(new[] { 1 }), "the next init container once the sidecar started");
        actions = PodActionsPlanner.Compute(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("proxy"), Exited("init", 0, createdSecond: 2), Exited("web", 0, createdSecond: 3)]), _probes);
        Assert.That(actions.KillPod, Is.True, "the app finished: the sidecar does not keep the pod alive");
        Assert.That(actions.InitContainersToStart, Is.Empty);
    }

    private sealed class FakeVerdicts : IProbeVerdicts
    {
        public Dictionary<string, bool> Live { get; } = [];

        public Dictionary<string, bool> Start { get; } = [];

        public bool? Liveness(string containerId) => Live.TryGetValue(containerId, out var v) ? v : null;

        public bool? Startup(string containerId) => Start.TryGetValue(containerId, out var v) ? v : null;
    }
}
