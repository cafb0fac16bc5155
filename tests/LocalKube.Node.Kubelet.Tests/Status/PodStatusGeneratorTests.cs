using LocalKube.Node.Kubelet.Status;
using static LocalKube.Node.Kubelet.Tests.Status.StatusFixtures;

namespace LocalKube.Node.Kubelet.Tests.Status;

[TestFixture]
[Category("Unit")]
public sealed class PodStatusGeneratorTests
{
    [Test]
    public void Nothing_created_yet_is_ContainerCreating()
    {
        var pod = Pod();
        var status = Generate(pod, PodRuntimeStatus.Empty("uid-1"));
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo("Pending"));
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("ContainerCreating"));
            Assert.That(status.Conditions.Select(c => c.Type), Is.EqualTo(new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" }));
            Assert.That(Condition(status, "PodReadyToStartContainers").Status, Is.EqualTo("False"));
            Assert.That(Condition(status, "Initialized").Status, Is.EqualTo("True"));
            Assert.That(Condition(status, "Ready").Reason, Is.EqualTo("ContainersNotReady"));
            Assert.That(Condition(status, "Ready").Message, Is.EqualTo("containers with unready status: [web]"));
            Assert.That(Condition(status, "ContainersReady").Message, Is.EqualTo("containers with unready status: [web]"));
            Assert.That(Condition(status, "PodScheduled").Status, Is.EqualTo("True"));
            Assert.That(status.ContainerStatuses.Single().State.Waiting.Reason, Is.EqualTo("ContainerCreating"));
            Assert.That(status.ContainerStatuses.Single().Started, Is.False);
            Assert.That(status.QosClass, Is.EqualTo("BestEffort"));
            Assert.That(status.HostIP, Is.EqualTo("192.168.49.2"));
            Assert.That(status.StartTime, Is.EqualTo(T0.AddMinutes(1).UtcDateTime));
            Assert.That(status.PodIP, Is.Null);
        });
    }

    [Test]
    public void Running_and_ready()
    {
        var pod = Pod();
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]));
        var cs = status.ContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo("Running"));
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("Running"));
            Assert.That(KubectlReady(pod, status), Is.EqualTo("1/1"));
            Assert.That(status.PodIP, Is.EqualTo("10.244.0.7"));
            Assert.That(status.PodIPs.Single().Ip, Is.EqualTo("10.244.0.7"));
            Assert.That(status.Conditions.All(c => c.Status == "True"), Is.True);
            Assert.That(cs.ContainerID, Is.EqualTo("docker://web-0"));
            Assert.That(cs.ImageID, Is.EqualTo("docker://sha256:abc"));
            Assert.That(cs.Ready, Is.True);
            Assert.That(cs.Started, Is.True);
            Assert.That(cs.State.Running.StartedAt, Is.EqualTo(T0.AddSeconds(1).UtcDateTime));
        });
    }

    [Test]
    public void Readiness_probe_gates_ready_and_startup_probe_gates_started()
    {
        var container = new V1Container
        {
            Name = "web",
            Image = "busybox:1",
            ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["true"] } },
            StartupProbe = new V1Probe { Exec = new V1ExecAction { Command = ["true"] } },
        };
        var pod = Pod("Always", null, container);
        var probes = new FakeProbes();
        var runtime = new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]);
        var status = Generate(pod, runtime, probes: probes);
        Assert.That(status.ContainerStatuses[0].Started, Is.False);
        Assert.That(status.ContainerStatuses[0].Ready, Is.False);
        Assert.That(KubectlReady(pod, status), Is.EqualTo("0/1"));
        probes.Startups["web-0"] = true;
        status = Generate(pod, runtime, probes: probes);
        Assert.That(status.ContainerStatuses[0].Started, Is.True);
        Assert.That(status.ContainerStatuses[0].Ready, Is.False, "readiness starts as failure");
        probes.Readinesses["web-0"] = true;
        status = Generate(pod, runtime, probes: probes);
        Assert.That(status.ContainerStatuses[0].Ready, Is.True);
        Assert.That(Condition(status, "Ready").Status, Is.EqualTo("True"));
        probes.Readinesses["web-0"] = false;
        status = Generate(pod, runtime, probes: probes);
        Assert.That(Condition(status, "Ready").Status, Is.EqualTo("False"));
        Assert.That(KubectlStatus(pod, status), Is.EqualTo("Running"));
    }

    [TestCase("Never", 0, "Succeeded", "Completed", "PodCompleted")]
    [TestCase("Never", 1, "Failed", "Error", "PodFailed")]
    [TestCase("OnFailure", 0, "Succeeded", "Completed", "PodCompleted")]
    public void Terminal_phases(string policy, int exitCode, string phase, string kubectl, string readyReason)
    {
        var pod = Pod(policy);
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("web", exitCode)]));
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(phase));
            Assert.That(KubectlStatus(pod, status), Is.EqualTo(kubectl));
            Assert.That(Condition(status, "Ready").Status, Is.EqualTo("False"));
            Assert.That(Condition(status, "Ready").Reason, Is.EqualTo(readyReason));
            Assert.That(Condition(status, "ContainersReady").Reason, Is.EqualTo(readyReason));
            Assert.That(status.ContainerStatuses[0].State.Terminated.ExitCode, Is.EqualTo(exitCode));
        });
    }

    [Test]
    public void OOMKilled()
    {
        var pod = Pod("Never");
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("web", 137, reason: "OOMKilled")]));
        Assert.That(status.Phase, Is.EqualTo("Failed"));
        Assert.That(KubectlStatus(pod, status), Is.EqualTo("OOMKilled"));
    }

    [Test]
    public void Crash_loop_shows_back_off_with_last_state_and_restart_count()
    {
        var pod = Pod("Always");
        var waiting = new Dictionary<string, WaitingReason>
        {
            ["web"] = new("CrashLoopBackOff", "back-off 20s restarting failed container=web pod=web_default(uid-1)"),
        };
        var runtime = new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("web", 1, attempt: 2, createdSecond: 30), Exited("web", 1, attempt: 1, createdSecond: 10)]);
        var status = Generate(pod, runtime, waiting);
        var cs = status.ContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo("Running"));
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("CrashLoopBackOff"));
            Assert.That(cs.RestartCount, Is.EqualTo(2));
            Assert.That(cs.State.Waiting.Message, Does.StartWith("back-off 20s restarting failed container=web"));
            Assert.That(cs.LastState.Terminated.ExitCode, Is.EqualTo(1));
            Assert.That(cs.LastState.Terminated.FinishedAt, Is.EqualTo(T0.AddSeconds(35).UtcDateTime));
            Assert.That(cs.Ready, Is.False);
        });
    }

    [TestCase("ErrImagePull", "pull access denied")]
    [TestCase("ImagePullBackOff", "Back-off pulling image \"nope:1\"")]
    [TestCase("CreateContainerConfigError", "configmap \"x\" not found")]
    [TestCase("ErrImageNeverPull", "Container image \"nope:1\" is not present with pull policy of Never")]
    public void Start_failures_show_their_reason(string reason, string message)
    {
        var pod = Pod();
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], []), new Dictionary<string, WaitingReason> { ["web"] = new(reason, message) });
        Assert.That(KubectlStatus(pod, status), Is.EqualTo(reason));
        Assert.That(status.ContainerStatuses[0].State.Waiting.Message, Is.EqualTo(message));
        Assert.That(status.Phase, Is.EqualTo("Pending"));
    }

    [Test]
    public void Init_containers_in_order()
    {
        var init = new List<V1Container> { new() { Name = "init", Image = "busybox:1" } };
        var pod = Pod("Always", init);
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("init")]));
        Assert.Multiple(() =>
        {
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("Init:0/1"));
            Assert.That(status.Phase, Is.EqualTo("Pending"));
            Assert.That(Condition(status, "Initialized").Message, Is.EqualTo("containers with incomplete status: [init]"));
            Assert.That(status.ContainerStatuses[0].State.Waiting.Reason, Is.EqualTo("PodInitializing"));
        });

        status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("init", 0)]));
        Assert.Multiple(() =>
        {
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("PodInitializing"));
            Assert.That(Condition(status, "Initialized").Status, Is.EqualTo("True"));
            Assert.That(status.InitContainerStatuses[0].Ready, Is.True);
        });

        status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("init", 2)]),
            new Dictionary<string, WaitingReason> { ["init"] = new("CrashLoopBackOff", "back-off 10s restarting failed container=init pod=web_default(uid-1)") });
        Assert.That(KubectlStatus(pod, status), Is.EqualTo("Init:CrashLoopBackOff"));

        var never = Pod("Never", init);
        status = Generate(never, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("init", 2)]));
        Assert.That(status.Phase, Is.EqualTo("Failed"));
        Assert.That(KubectlStatus(never, status), Is.EqualTo("Init:Error"));
    }

    [Test]
    public void Sidecar_started_completes_initialization_and_counts_in_ready()
    {
        var init = new List<V1Container> { new() { Name = "proxy", Image = "busybox:1", RestartPolicy = "Always" } };
        var pod = Pod("Always", init);
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("proxy"), Running("web", createdSecond: 2)]));
        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo("Running"));
            Assert.That(Condition(status, "Initialized").Status, Is.EqualTo("True"));
            Assert.That(Condition(status, "ContainersReady").Status, Is.EqualTo("True"));
            Assert.That(KubectlReady(pod, status), Is.EqualTo("2/2"));
            Assert.That(KubectlStatus(pod, status), Is.EqualTo("Running"));
        });
    }

    [Test]
    public void Terminating_and_final_phase()
    {
        var pod = Pod();
        pod.Metadata.DeletionTimestamp = T0.AddMinutes(1).UtcDateTime;
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]));
        Assert.That(KubectlStatus(pod, status), Is.EqualTo("Terminating"));
        status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox(ready: false)], [Exited("web", 143)]), terminal: true, previous: status);
        Assert.That(status.Phase, Is.EqualTo("Failed"));
        Assert.That(status.PodIP, Is.EqualTo("10.244.0.7"), "a stopped sandbox keeps the pod's IP in its status");
    }

    [Test]
    public void Vanished_running_container_is_reported_unknown_and_counted()
    {
        var pod = Pod();
        var before = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]));
        var after = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], []), previous: before);
        var cs = after.ContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(cs.LastState.Terminated.Reason, Is.EqualTo("ContainerStatusUnknown"));
            Assert.That(cs.LastState.Terminated.ExitCode, Is.EqualTo(137));
            Assert.That(cs.RestartCount, Is.EqualTo(1));
            Assert.That(after.Phase, Is.EqualTo("Running"), "a known-running pod does not fall back to Pending");
        });
    }

    [Test]
    public void Transition_times_change_only_on_flips_and_start_time_is_kept()
    {
        var pod = Pod();
        var first = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]), now: T0.AddMinutes(1));
        var second = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]), previous: first, now: T0.AddMinutes(5));
        Assert.That(Condition(second, "Ready").LastTransitionTime, Is.EqualTo(T0.AddMinutes(1).UtcDateTime));
        Assert.That(second.StartTime, Is.EqualTo(first.StartTime));
        var third = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Exited("web", 1)]), previous: second, now: T0.AddMinutes(9));
        Assert.That(Condition(third, "Ready").LastTransitionTime, Is.EqualTo(T0.AddMinutes(9).UtcDateTime));
        Assert.That(Condition(third, "PodReadyToStartContainers").LastTransitionTime, Is.EqualTo(T0.AddMinutes(1).UtcDateTime));
    }

    [Test]
    public void Conditions_of_others_are_kept_first_and_readiness_gates_apply()
    {
        var pod = Pod();
        pod.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = "example.com/lb" }];
        pod.Status.Conditions = [new V1PodCondition { Type = "example.com/lb", Status = "False" }];
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]));
        Assert.Multiple(() =>
        {
            Assert.That(status.Conditions[0].Type, Is.EqualTo("example.com/lb"));
            Assert.That(Condition(status, "ContainersReady").Status, Is.EqualTo("True"));
            Assert.That(Condition(status, "Ready").Reason, Is.EqualTo("ReadinessGatesNotReady"));
            Assert.That(Condition(status, "Ready").Message, Is.EqualTo("the status of pod readiness gate \"example.com/lb\" is not \"True\", but False"));
        });
    }

    [Test]
    public void Terminal_phase_in_the_api_never_goes_back()
    {
        var pod = Pod("Never");
        pod.Status.Phase = "Succeeded";
        var status = Generate(pod, new PodRuntimeStatus("uid-1", [Sandbox()], [Running("web")]));
        Assert.That(status.Phase, Is.EqualTo("Succeeded"));
    }

    [Test]
    public void App_container_statuses_are_sorted_by_name()
    {
        var pod = Pod("Always", null, new V1Container { Name = "zeta", Image = "a:1" }, new V1Container { Name = "alpha", Image = "a:1" });
        var status = Generate(pod, PodRuntimeStatus.Empty("uid-1"));
        Assert.That(status.ContainerStatuses.Select(c => c.Name), Is.EqualTo(new[] { "alpha", "zeta" }));
    }
}
