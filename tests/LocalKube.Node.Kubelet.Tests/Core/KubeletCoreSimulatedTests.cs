using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.Kubelet.Runtime.Simulated;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Kubelet.Tests.Core;

/// <summary>The whole kubelet core over the simulated runtime and an in-memory API: real workers, PLEG, statuses.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KubeletCoreSimulatedTests
{
    private FakeKubeletApi _api = null!;
    private SimulatedRuntime _runtime = null!;
    private KubeletCore _kubelet = null!;
    private CancellationTokenSource _stop = null!;
    private Task _loops = null!;
    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _api = new FakeKubeletApi();
        _runtime = new SimulatedRuntime(TimeProvider.System);
        _dir = new TempDirectory("kubelet-core");
        Directory.CreateDirectory(_dir.Combine("manifests"));
        Start();
    }

    [TearDown]
    public async Task TearDown()
    {
        await StopAsync();
        _dir.Dispose();
    }

    [Test]
    public async Task A_pod_goes_Running_and_Ready_with_upstream_conditions()
    {
        var pod = _api.Add(Pod("web"));
        _kubelet.OnPodAdded(pod);
        var status = await WaitForAsync("web", s => s.Phase == "Running" && s.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        var cs = status.ContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status.Conditions.Select(c => c.Type), Is.EqualTo(new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" }));
            Assert.That(status.PodIP, Does.StartWith("10.244."));
            Assert.That(status.HostIP, Is.EqualTo("192.168.49.2"));
            Assert.That(cs.ContainerID, Does.StartWith("simulated://"));
            Assert.That(cs.Ready, Is.True);
            Assert.That(cs.Started, Is.True);
            Assert.That(cs.RestartCount, Is.EqualTo(0));
            Assert.That(Printed("web"), Is.EqualTo("Running"));
            Assert.That(_api.Events.Select(e => e.Reason), Does.Contain("Pulled").And.Contain("Created").And.Contain("Started"));
        });
    }

    [Test]
    public async Task A_crashing_container_restarts_at_once_then_backs_off()
    {
        var pod = Pod("crash");
        pod.Metadata.Annotations = new Dictionary<string, string> { [SimulatedAnnotations.RunDuration] = "100ms", [SimulatedAnnotations.ExitCode] = "1" };
        _kubelet.OnPodAdded(_api.Add(pod));
        var status = await WaitForAsync("crash", s => s.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason == "CrashLoopBackOff");
        var cs = status.ContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(cs.RestartCount, Is.EqualTo(1), "the first crash restarts at once; the second waits 10 s");
            Assert.That(cs.State.Waiting.Message, Does.StartWith("back-off 10s restarting failed container=crash pod=crash_default("));
            Assert.That(cs.LastState.Terminated.ExitCode, Is.EqualTo(1));
            Assert.That(Printed("crash"), Is.EqualTo("CrashLoopBackOff"));
            Assert.That(status.Phase, Is.EqualTo("Running"));
        });
    }

    [Test]
    public async Task Never_pods_complete_and_init_containers_run_first()
    {
        var done = Pod("done", restartPolicy: "Never");
        done.Metadata.Annotations = new Dictionary<string, string> { [SimulatedAnnotations.RunDuration + ".done"] = "50ms", [SimulatedAnnotations.ExitCode + ".done"] = "3" };
        done.Spec.InitContainers = [new V1Container { Name = "setup", Image = "busybox:1.36" }];
        _kubelet.OnPodAdded(_api.Add(done));
        var status = await WaitForAsync("done", s => s.Phase == "Failed");
        Assert.Multiple(() =>
        {
            Assert.That(status.InitContainerStatuses.Single().State.Terminated.Reason, Is.EqualTo("Completed"));
            Assert.That(status.ContainerStatuses.Single().State.Terminated.ExitCode, Is.EqualTo(3));
            Assert.That(Printed("done"), Is.EqualTo("Error"));
            Assert.That(status.Conditions.Single(c => c.Type == "Ready").Reason, Is.EqualTo("PodFailed"));
        });
    }

    [Test]
    public async Task An_ephemeral_container_added_to_a_running_pod_runs_once_and_is_never_restarted()
    {
        var pod = Pod("debugged");
        pod.Metadata.Annotations = new Dictionary<string, string> { [SimulatedAnnotations.RunDuration + ".debugger"] = "100ms" };
        _kubelet.OnPodAdded(_api.Add(pod));
        await WaitForAsync("debugged", s => s.Phase == "Running");

        // What kubectl debug adds through pods/ephemeralcontainers.
        var debugged = _api.Get("debugged")!;
        debugged.Spec.EphemeralContainers = [new V1EphemeralContainer { Name = "debugger", Image = "busybox:1.36", TargetContainerName = "debugged", Stdin = true, Tty = true }];
        _kubelet.OnPodUpdated(debugged);
        var status = await WaitForAsync("debugged", s => s.EphemeralContainerStatuses?.SingleOrDefault()?.State?.Terminated is not null);
        await Task.Delay(1500); // a few more syncs: an exited ephemeral container stays exited
        status = _api.Get("debugged")!.Status;
        var debugger = status.EphemeralContainerStatuses.Single();
        Assert.Multiple(() =>
        {
            Assert.That(debugger.Name, Is.EqualTo("debugger"));
            Assert.That(debugger.State.Terminated.ExitCode, Is.EqualTo(0));
            Assert.That(debugger.RestartCount, Is.EqualTo(0));
            Assert.That(status.ContainerStatuses.Select(c => c.Name), Is.EqualTo(new[] { "debugged" }), "not an app container");
            Assert.That(status.Phase, Is.EqualTo("Running"));
            Assert.That(status.Conditions.Single(c => c.Type == "Ready").Status, Is.EqualTo("True"), "readiness ignores it");
            Assert.That(_api.Events.Count(e => e.Reason == "Started" && e.Message == "Started container debugger"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_deleted_pod_terminates_and_is_deleted_from_the_api()
    {
        var pod = _api.Add(Pod("gone"));
        _kubelet.OnPodAdded(pod);
        await WaitForAsync("gone", s => s.Phase == "Running");
        await DeleteAsync("gone");
        await WaitUntilAsync(() => _runtime.ContainerCount == 0);
        Assert.That(_api.Events.Any(e => e.Reason == "Killing" && e.Message == "Stopping container gone"), Is.True);
    }

    [Test]
    public async Task Readiness_follows_the_probe()
    {
        var pod = Pod("ready");
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 80 }, PeriodSeconds = 1 };
        pod.Metadata.Annotations = new Dictionary<string, string> { [SimulatedAnnotations.ProbeFailure] = "readiness" };
        _kubelet.OnPodAdded(_api.Add(pod));
        await WaitForAsync("ready", s => s.Phase == "Running" && s.Conditions.Any(c => c.Type == "Ready" && c.Status == "False"));
        await Task.Delay(1500);
        Assert.That(_api.Get("ready")!.Status.Conditions.Single(c => c.Type == "Ready").Status, Is.EqualTo("False"));
        Assert.That(_api.Events.Any(e => e.Reason == "Unhealthy" && e.Message.StartsWith("Readiness probe failed", StringComparison.Ordinal)), Is.True);

        var healthy = _api.Get("ready")!;
        healthy.Metadata.Annotations.Clear();
        _kubelet.OnPodUpdated(healthy);
        await WaitForAsync("ready", s => s.Conditions.Any(c => c.Type == "Ready" && c.Status == "True"));
    }

    [Test]
    public async Task A_restarted_kubelet_adopts_running_containers()
    {
        var pod = _api.Add(Pod("keep"));
        _kubelet.OnPodAdded(pod);
        var before = await WaitForAsync("keep", s => s.Phase == "Running");
        await StopAsync();
        Start();
        _kubelet.OnPodAdded(_api.Get("keep")!);
        _kubelet.SetSourcesReady();
        await Task.Delay(1500);
        var after = _api.Get("keep")!.Status;
        Assert.That(after.ContainerStatuses.Single().ContainerID, Is.EqualTo(before.ContainerStatuses.Single().ContainerID));
        Assert.That(after.ContainerStatuses.Single().RestartCount, Is.EqualTo(0));
        Assert.That(_runtime.ContainerCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Runtime_leftovers_of_unknown_pods_are_removed_once_sources_are_ready()
    {
        _kubelet.OnPodAdded(_api.Add(Pod("orphan")));
        await WaitForAsync("orphan", s => s.Phase == "Running");
        await StopAsync();
        _api.Pods.Clear();
        Start();
        await Task.Delay(1500);
        Assert.That(_runtime.ContainerCount, Is.EqualTo(1), "nothing is removed before the pod sources are known");
        _kubelet.SetSourcesReady();
        await WaitUntilAsync(() => _runtime.ContainerCount == 0);
    }

    [Test]
    public async Task A_static_pod_runs_with_a_mirror_pod_that_comes_back_when_deleted()
    {
        _kubelet.Node = new V1Node { Metadata = new V1ObjectMeta { Name = "node1", Uid = "node-uid" } };
        _api.OnCreate = p => _kubelet.OnPodAdded(p);
        await File.WriteAllTextAsync(_dir.Combine("manifests", "web.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n");
        await File.WriteAllTextAsync(_dir.Combine("manifests", "broken.yaml"), "this: is: not: yaml: [");
        var status = await WaitForAsync("static-web-node1", s => s.Phase == "Running");
        var mirror = _api.Get("static-web-node1")!;
        Assert.Multiple(() =>
        {
            Assert.That(mirror.Metadata.Annotations["kubernetes.io/config.mirror"], Is.EqualTo(mirror.Metadata.Annotations["kubernetes.io/config.hash"]));
            Assert.That(mirror.Metadata.OwnerReferences.Single().Kind, Is.EqualTo("Node"));
            Assert.That(status.ContainerStatuses.Single().Ready, Is.True);
        });
        var containerId = status.ContainerStatuses.Single().ContainerID;

        await _api.DeletePodAsync("default", "static-web-node1", mirror.Metadata.Uid, CancellationToken.None);
        _kubelet.OnPodDeleted(mirror);
        await WaitUntilAsync(() => _api.Get("static-web-node1") is { } again && again.Metadata.Uid != mirror.Metadata.Uid);
        var recreated = await WaitForAsync("static-web-node1", s => s.Phase == "Running");
        Assert.That(recreated.ContainerStatuses.Single().ContainerID, Is.EqualTo(containerId), "the static pod's container kept running");

        // Removing the manifest stops the pod and deletes its mirror from the API.
        var deleted = _api.Deleted.Count;
        File.Delete(_dir.Combine("manifests", "web.yaml"));
        await WaitUntilAsync(() => _api.Get("static-web-node1") is null && _runtime.ContainerCount == 0);
        Assert.That(_api.Deleted.Skip(deleted), Does.Contain("default/static-web-node1"));
    }

    [Test]
    public async Task Many_pods_run()
    {
        for (var i = 0; i < 200; i++)
        {
            _kubelet.OnPodAdded(_api.Add(Pod($"p{i}")));
        }

        await WaitUntilAsync(() => Enumerable.Range(0, 200).All(i => _api.Get($"p{i}")?.Status?.Phase == "Running"), TimeSpan.FromSeconds(30));
        Assert.That(_runtime.ContainerCount, Is.EqualTo(200));
    }

    [Test]
    public async Task A_pod_past_the_node_pod_capacity_is_rejected_as_OutOfpods_and_never_runs()
    {
        _kubelet.SetNodeResources(new Dictionary<string, ResourceQuantity> { ["pods"] = new("2"), ["cpu"] = new("2") }, 1L << 30);
        _kubelet.OnPodAdded(_api.Add(Pod("a")));
        _kubelet.OnPodAdded(_api.Add(Pod("b")));
        _kubelet.OnPodAdded(_api.Add(Pod("c")));
        var status = await WaitForAsync("c", s => s.Phase == "Failed");
        await WaitForAsync("b", s => s.Phase == "Running");
        await WaitForAsync("a", s => s.Phase == "Running");
        const string Short = "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2";
        Assert.Multiple(() =>
        {
            Assert.That(status.Reason, Is.EqualTo("OutOfpods"));
            Assert.That(status.Message, Is.EqualTo("Pod was rejected: " + Short));
            Assert.That(status.QosClass, Is.EqualTo("BestEffort"));
            Assert.That(status.ContainerStatuses, Is.Null, "nothing of a rejected pod is created");
            Assert.That(Printed("c"), Is.EqualTo("OutOfpods"));
            Assert.That(_runtime.ContainerCount, Is.EqualTo(2));
            Assert.That(_api.Events, Does.Contain(("c", (string?)null, "Warning", "OutOfpods", Short)));
        });

        // Deleting it removes it at once (nothing runs), and its place was never taken.
        await DeleteAsync("c");
        Assert.That(_runtime.ContainerCount, Is.EqualTo(2));
    }

    [Test]
    public async Task A_finished_pod_frees_its_place_and_requests_are_counted_in_millicores()
    {
        _kubelet.SetNodeResources(new Dictionary<string, ResourceQuantity> { ["pods"] = new("1"), ["cpu"] = new("1500m"), ["memory"] = new("1Gi") }, 1L << 30);
        var done = Pod("done", restartPolicy: "Never");
        done.Metadata.Annotations = new Dictionary<string, string> { [SimulatedAnnotations.RunDuration] = "50ms" };
        _kubelet.OnPodAdded(_api.Add(done));
        await WaitForAsync("done", s => s.Phase == "Succeeded");

        var big = Pod("big");
        big.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2") } };
        _kubelet.OnPodAdded(_api.Add(big));
        var rejected = await WaitForAsync("big", s => s.Phase == "Failed");
        Assert.That(rejected.Reason, Is.EqualTo("OutOfcpu"));
        Assert.That(rejected.Message, Is.EqualTo("Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1500"));

        var fits = Pod("fits");
        fits.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1500m"), ["memory"] = new("1Gi") } };
        _kubelet.OnPodAdded(_api.Add(fits));
        await WaitForAsync("fits", s => s.Phase == "Running");
    }

    private void Start()
    {
        var options = new KubeletOptions
        {
            NodeName = "node1",
            NodeIps = ["192.168.49.2"],
            RootDirectory = _dir.Combine("root"),
            PodLogDirectory = _dir.Combine("logs"),
            StaticPodPath = _dir.Combine("manifests"),
            MaterializeFiles = false,
            StatusResyncPeriod = TimeSpan.FromSeconds(1),
        };
        _kubelet = new KubeletCore(_runtime, _api, _api, options, TimeProvider.System, NullLoggerFactory.Instance);
        _stop = new CancellationTokenSource();
        _loops = Task.Run(() => _kubelet.RunAsync(_stop.Token));
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
        }

        await _kubelet.DisposeAsync();
        _stop.Dispose();
    }

    // As kubectl delete: the deletion timestamp (30 s grace), then the kubelet's final delete, then the watch's DELETED.
    private async Task DeleteAsync(string name)
    {
        var deleting = _api.Get(name)!;
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;
        deleting.Metadata.DeletionGracePeriodSeconds = 30;
        _kubelet.OnPodUpdated(deleting);
        await WaitUntilAsync(() => _api.Deleted.Contains($"default/{name}"));
        _kubelet.OnPodDeleted(deleting);
    }

    private string Printed(string name)
    {
        var pod = _api.Get(name)!;
        return (string)PodPrinter.Cells(pod, DateTimeOffset.UtcNow)[2]!;
    }

    private async Task<V1PodStatus> WaitForAsync(string name, Func<V1PodStatus, bool> condition)
    {
        await WaitUntilAsync(() => _api.Get(name)?.Status is { } s && condition(s));
        return _api.Get(name)!.Status;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("condition not met in time");
    }

    private static V1Pod Pod(string name, string restartPolicy = "Always") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            NodeName = "node1",
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 30,
            Containers = [new V1Container { Name = name, Image = "busybox:1.36", ImagePullPolicy = "IfNotPresent" }],
        },
    };
}
