using LocalKube.Node.Kubelet.Probes;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Kubelet.Tests.Probes;

[TestFixture]
[Category("Unit")]
public sealed class ProbeWorkerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _time = null!;
    private Statuses _statuses = null!;
    private ProbeResults _results = null!;
    private Queue<bool?> _outcomes = null!;
    private int _runs;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _statuses = new Statuses { Status = Status(started: true, running: true) };
        _results = new ProbeResults();
        _outcomes = new Queue<bool?>();
        _runs = 0;
    }

    [Test]
    public async Task Readiness_starts_failed_and_flips_after_thresholds()
    {
        var worker = Worker(ProbeKind.Readiness, new V1Probe { SuccessThreshold = 2, FailureThreshold = 2 });
        Enqueue(true, true, false, null, false);
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Readiness("c1"), Is.False, "initial readiness is failure, and one success is below the threshold");
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Readiness("c1"), Is.True);
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Readiness("c1"), Is.True, "one failure is below the threshold");
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Readiness("c1"), Is.True, "a prober error is not counted");
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Readiness("c1"), Is.False);
    }

    [Test]
    public async Task Initial_delay_counts_from_started_at()
    {
        var worker = Worker(ProbeKind.Liveness, new V1Probe { InitialDelaySeconds = 30 });
        Enqueue(false);
        _time.SetUtcNow(Start.AddSeconds(10));
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_runs, Is.EqualTo(0));
        Assert.That(_results.Liveness("c1"), Is.True, "liveness starts as success");
        _time.SetUtcNow(Start.AddSeconds(31));
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(_runs, Is.EqualTo(1));
    }

    [Test]
    public async Task Only_the_startup_probe_runs_before_started_and_liveness_holds_after_failure()
    {
        _statuses.Status = Status(started: false, running: true);
        var liveness = Worker(ProbeKind.Liveness, new V1Probe { FailureThreshold = 1 });
        var startup = Worker(ProbeKind.Startup, new V1Probe { FailureThreshold = 1 });
        Enqueue(true, false, false);
        await liveness.DoProbeAsync(CancellationToken.None);
        Assert.That(_runs, Is.EqualTo(0), "liveness waits for started");
        await startup.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Startup("c1"), Is.True);
        _statuses.Status = Status(started: true, running: true);
        await startup.DoProbeAsync(CancellationToken.None);
        Assert.That(_runs, Is.EqualTo(1), "startup stops once started");
        await liveness.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Liveness("c1"), Is.False);
        await liveness.DoProbeAsync(CancellationToken.None);
        Assert.That(_runs, Is.EqualTo(2), "on hold until a new container instance");
        _statuses.Status = Status(started: true, running: true, id: "c2");
        await liveness.DoProbeAsync(CancellationToken.None);
        Assert.That(_results.Liveness("c2"), Is.False);
        Assert.That(_results.Liveness("c1"), Is.Null, "the old instance's result is dropped");
    }

    [Test]
    public async Task Liveness_stops_on_deletion_but_readiness_continues()
    {
        var pod = Pod();
        pod.Metadata.DeletionTimestamp = Start.UtcDateTime;
        var liveness = new ProbeWorker(ProbeKind.Liveness, pod, Container(), new V1Probe(), _statuses, _results, Run, _time);
        var readiness = new ProbeWorker(ProbeKind.Readiness, pod, Container(), new V1Probe(), _statuses, _results, Run, _time);
        Enqueue(true);
        Assert.That(await liveness.DoProbeAsync(CancellationToken.None), Is.False);
        Assert.That(await readiness.DoProbeAsync(CancellationToken.None), Is.True);
        Assert.That(_runs, Is.EqualTo(1));
    }

    [Test]
    public async Task A_result_change_is_signalled()
    {
        var changes = new List<(string, ProbeKind)>();
        _results.Changed += (uid, kind) => changes.Add((uid, kind));
        var worker = Worker(ProbeKind.Readiness, new V1Probe());
        Enqueue(true, true);
        await worker.DoProbeAsync(CancellationToken.None);
        await worker.DoProbeAsync(CancellationToken.None);
        Assert.That(changes, Is.EqualTo(new[] { ("uid-1", ProbeKind.Readiness), ("uid-1", ProbeKind.Readiness) }), "initial failure, then success; no event for the repeat");
    }

    [Test]
    public async Task Run_loop_probes_every_period()
    {
        var worker = Worker(ProbeKind.Readiness, new V1Probe { PeriodSeconds = 5 });
        for (var i = 0; i < 10; i++)
        {
            Enqueue(true);
        }

        using var cts = new CancellationTokenSource();
        var loop = worker.RunAsync(TimeSpan.Zero, cts.Token);
        await WaitForAsync(() => _runs == 1);
        _time.Advance(TimeSpan.FromSeconds(5));
        await WaitForAsync(() => _runs == 2);
        worker.Trigger();
        await WaitForAsync(() => _runs == 3);
        await cts.CancelAsync();
        await loop;
        Assert.That(_results.Readiness("c1"), Is.Null, "a stopped worker removes its result");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True);
    }

    private ProbeWorker Worker(ProbeKind kind, V1Probe probe) => new(kind, Pod(), Container(), probe, _statuses, _results, Run, _time);

    private Task<bool?> Run(V1Pod pod, string ip, string id, CancellationToken ct)
    {
        _runs++;
        return Task.FromResult(_outcomes.Count > 0 ? _outcomes.Dequeue() : true);
    }

    private void Enqueue(params bool?[] outcomes)
    {
        foreach (var o in outcomes)
        {
            _outcomes.Enqueue(o);
        }
    }

    private static V1Pod Pod() => new() { Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" }, Spec = new V1PodSpec { RestartPolicy = "Always" } };

    private static V1Container Container() => new() { Name = "web" };

    private static V1PodStatus Status(bool started, bool running, string id = "c1") => new()
    {
        Phase = "Running",
        PodIP = "10.244.0.9",
        ContainerStatuses =
        [
            new V1ContainerStatus
            {
                Name = "web",
                ContainerID = "docker://" + id,
                Started = started,
                State = running ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Start.UtcDateTime } } : new V1ContainerState(),
            },
        ],
    };

    private sealed class Statuses : IPodStatusSource
    {
        public V1PodStatus? Status { get; set; }

        public V1PodStatus? GetStatus(string podUid) => Status;
    }
}
