using System.Text;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Runtime.Simulated;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Kubelet.Tests.Runtime;

[TestFixture]
[Category("Unit")]
public sealed class SimulatedRuntimeTests
{
    private FakeTimeProvider _time = null!;
    private SimulatedRuntime _runtime = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        _runtime = new SimulatedRuntime(_time);
    }

    [Test]
    public async Task Sandboxes_get_distinct_pod_ips_that_are_reused_after_removal()
    {
        var a = await _runtime.RunPodSandboxAsync(Sandbox("a"), CancellationToken.None);
        var b = await _runtime.RunPodSandboxAsync(Sandbox("b"), CancellationToken.None);
        var ipA = (await _runtime.GetPodSandboxStatusAsync(a, CancellationToken.None)).Ip;
        var ipB = (await _runtime.GetPodSandboxStatusAsync(b, CancellationToken.None)).Ip;
        Assert.That(ipA, Is.EqualTo("10.244.0.2"));
        Assert.That(ipB, Is.EqualTo("10.244.0.3"));
        await _runtime.StopPodSandboxAsync(a, CancellationToken.None);
        await _runtime.RemovePodSandboxAsync(a, CancellationToken.None);
        var c = await _runtime.RunPodSandboxAsync(Sandbox("c"), CancellationToken.None);
        Assert.That((await _runtime.GetPodSandboxStatusAsync(c, CancellationToken.None)).Ip, Is.EqualTo("10.244.0.2"));
    }

    [Test]
    public async Task A_container_runs_then_exits_on_its_scripted_timing()
    {
        var annotations = new Dictionary<string, string>
        {
            [SimulatedAnnotations.RunDuration + ".job"] = "30s",
            [SimulatedAnnotations.ExitCode + ".job"] = "3",
        };
        var sandbox = Sandbox("p", annotations);
        var sandboxId = await _runtime.RunPodSandboxAsync(sandbox, CancellationToken.None);
        var id = await _runtime.CreateContainerAsync(sandboxId, Container("job"), sandbox, CancellationToken.None);
        var events = new List<RuntimeEvent>();
        using var cts = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in _runtime.WatchEventsAsync(cts.Token))
            {
                lock (events)
                {
                    events.Add(e);
                }
            }
        });
        await Task.Delay(50);
        await _runtime.StartContainerAsync(id, CancellationToken.None);
        Assert.That((await _runtime.GetContainerStatusAsync(id, CancellationToken.None)).State, Is.EqualTo(ContainerState.Running));
        _time.Advance(TimeSpan.FromSeconds(30));
        var status = await _runtime.GetContainerStatusAsync(id, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(status.State, Is.EqualTo(ContainerState.Exited));
            Assert.That(status.ExitCode, Is.EqualTo(3));
            Assert.That(status.Reason, Is.EqualTo("Error"));
            Assert.That(status.FinishedAt - status.StartedAt, Is.EqualTo(TimeSpan.FromSeconds(30)));
        });
        await Task.Delay(50);
        await cts.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => watch);
        lock (events)
        {
            Assert.That(events.Where(e => e.ContainerId == id).Select(e => e.Kind), Is.EqualTo(new[] { RuntimeEventKind.Started, RuntimeEventKind.Died }));
        }

        var log = new List<string>();
        await foreach (var record in _runtime.ReadLogsAsync(id, new LogOptions(), CancellationToken.None))
        {
            log.Add(Encoding.UTF8.GetString(record.Line.Span));
        }

        Assert.That(log, Is.EqualTo(new[] { "simulated container job started\n", "simulated container job exited with code 3\n" }));
    }

    [Test]
    public async Task Init_containers_and_job_pods_complete_by_default()
    {
        var sandbox = Sandbox("p");
        var sandboxId = await _runtime.RunPodSandboxAsync(sandbox, CancellationToken.None);
        var init = await _runtime.CreateContainerAsync(sandboxId, Container("init") with
        {
            Annotations = new Dictionary<string, string> { [KubernetesLabels.ContainerType] = "init" },
        }, sandbox, CancellationToken.None);
        var app = await _runtime.CreateContainerAsync(sandboxId, Container("app"), sandbox, CancellationToken.None);
        await _runtime.StartContainerAsync(init, CancellationToken.None);
        await _runtime.StartContainerAsync(app, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That((await _runtime.GetContainerStatusAsync(init, CancellationToken.None)).Reason, Is.EqualTo("Completed"));
        Assert.That((await _runtime.GetContainerStatusAsync(app, CancellationToken.None)).State, Is.EqualTo(ContainerState.Running));

        var job = Sandbox("j") with { Labels = new Dictionary<string, string> { ["batch.kubernetes.io/job-name"] = "pi" } };
        var jobSandbox = await _runtime.RunPodSandboxAsync(job, CancellationToken.None);
        var worker = await _runtime.CreateContainerAsync(jobSandbox, Container("pi"), job, CancellationToken.None);
        await _runtime.StartContainerAsync(worker, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That((await _runtime.GetContainerStatusAsync(worker, CancellationToken.None)).ExitCode, Is.EqualTo(0));
        Assert.That((await _runtime.GetContainerStatusAsync(worker, CancellationToken.None)).State, Is.EqualTo(ContainerState.Exited));
    }

    [Test]
    public async Task Stop_beyond_the_grace_period_is_a_kill()
    {
        var annotations = new Dictionary<string, string> { [SimulatedAnnotations.StopDelay] = "1m" };
        var sandbox = Sandbox("p", annotations);
        var sandboxId = await _runtime.RunPodSandboxAsync(sandbox, CancellationToken.None);
        var id = await _runtime.CreateContainerAsync(sandboxId, Container("app"), sandbox, CancellationToken.None);
        await _runtime.StartContainerAsync(id, CancellationToken.None);
        var stop = _runtime.StopContainerAsync(id, TimeSpan.FromSeconds(5), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));
        await stop;
        Assert.That((await _runtime.GetContainerStatusAsync(id, CancellationToken.None)).ExitCode, Is.EqualTo(137));
    }

    [Test]
    public void Pulls_from_an_invalid_registry_fail_like_an_offline_pull()
    {
        var e = Assert.ThrowsAsync<ImagePullException>(() => _runtime.PullImageAsync("registry.invalid/app:1", CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("lookup registry.invalid"));
        Assert.That(_runtime.InspectImageAsync("registry.invalid/app:1", CancellationToken.None).Result, Is.Null);
        Assert.That(_runtime.InspectImageAsync("nginx:1.27", CancellationToken.None).Result, Is.Not.Null);
    }

    private static PodSandboxConfig Sandbox(string name, Dictionary<string, string>? annotations = null) => new()
    {
        Metadata = new PodSandboxMetadata(name, "default", "uid-" + name, 0),
        Annotations = annotations ?? [],
    };

    private static ContainerConfig Container(string name) => new() { Metadata = new ContainerMetadata(name, 0), Image = "busybox:1" };
}
