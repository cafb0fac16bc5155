using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;

namespace LocalKube.Node.Kubelet.Tests.Status;

/// <summary>Builds runtime states and renders kubectl's STATUS column for them.</summary>
internal static class StatusFixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static V1Pod Pod(string restartPolicy = "Always", IList<V1Container>? init = null, params V1Container[] containers) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "uid-1", CreationTimestamp = T0.UtcDateTime },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            InitContainers = init,
            Containers = containers.Length > 0 ? containers : [new V1Container { Name = "web", Image = "busybox:1" }],
            NodeName = "node1",
        },
        Status = new V1PodStatus { Phase = "Pending" },
    };

    public static PodSandboxStatus Sandbox(bool ready = true, int attempt = 0, string ip = "10.244.0.7") =>
        new("sandbox" + attempt, new PodSandboxMetadata("web", "default", "uid-1", attempt), ready ? PodSandboxState.Ready : PodSandboxState.NotReady,
            T0.AddSeconds(attempt), ready ? ip : "", new Dictionary<string, string>(), new Dictionary<string, string>(), false);

    public static ContainerStatusInfo Running(string name, int attempt = 0, int createdSecond = 1) => new()
    {
        Id = $"{name}-{attempt}",
        Metadata = new ContainerMetadata(name, attempt),
        State = ContainerState.Running,
        CreatedAt = T0.AddSeconds(createdSecond),
        StartedAt = T0.AddSeconds(createdSecond),
        Image = "busybox:1",
        ImageRef = "docker://sha256:abc",
        Annotations = new Dictionary<string, string> { [KubernetesLabels.ContainerRestartCount] = attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public static ContainerStatusInfo Exited(string name, int exitCode, int attempt = 0, int createdSecond = 1, string? reason = null) => Running(name, attempt, createdSecond) with
    {
        State = ContainerState.Exited,
        ExitCode = exitCode,
        FinishedAt = T0.AddSeconds(createdSecond + 5),
        Reason = reason ?? (exitCode == 0 ? "Completed" : "Error"),
    };

    public static V1PodStatus Generate(V1Pod pod, PodRuntimeStatus runtime, Dictionary<string, WaitingReason>? waiting = null,
        FakeProbes? probes = null, bool terminal = false, V1PodStatus? previous = null, DateTimeOffset? now = null) =>
        PodStatusGenerator.Generate(new PodStatusInput
        {
            Pod = pod,
            Previous = previous,
            Runtime = runtime,
            WaitingReasons = waiting ?? [],
            Probes = probes ?? new FakeProbes(),
            PodIsTerminal = terminal,
            HostIps = ["192.168.49.2"],
            Now = now ?? T0.AddMinutes(1),
        });

    public static string KubectlStatus(V1Pod pod, V1PodStatus status)
    {
        pod.Status = status;
        return (string)PodPrinter.Cells(pod, T0.AddMinutes(2))[2]!;
    }

    public static string KubectlReady(V1Pod pod, V1PodStatus status)
    {
        pod.Status = status;
        return (string)PodPrinter.Cells(pod, T0.AddMinutes(2))[1]!;
    }

    public static V1PodCondition Condition(V1PodStatus status, string type) => status.Conditions.Single(c => c.Type == type);
}

/// <summary>Probe results set by hand.</summary>
internal sealed class FakeProbes : IProbeStatus
{
    public Dictionary<string, bool> Startups { get; } = [];

    public Dictionary<string, bool> Readinesses { get; } = [];

    public bool? Startup(string containerId) => Startups.TryGetValue(containerId, out var v) ? v : null;

    public bool? Readiness(string containerId) => Readinesses.TryGetValue(containerId, out var v) ? v : null;
}
