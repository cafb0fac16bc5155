using System.Diagnostics;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Support;

/// <summary>
/// The agent with its controllers, a Node and a <see cref="FakeKubelet"/> for it, and the real kubectl pointed at it.
/// One per fixture; each test works in its own namespace.
/// </summary>
internal sealed class WorkloadAgent : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("workloads-kubectl");
    private SharedInformerFactory _informers = null!;

    private WorkloadAgent(TestAgent agent) => Agent = agent;

    public TestAgent Agent { get; }

    public Kubernetes Admin => Agent.Admin;

    public FakeKubelet Kubelet { get; private set; } = null!;

    /// <summary>The node's Ready status and Lease renewals (dispose to play a stopped kubelet).</summary>
    public NodeHeartbeat Heartbeat { get; private set; } = null!;

    public ISharedInformer<V1Pod> Pods { get; private set; } = null!;

    public string NodeName => Agent.Options.NodeName;

    public string Kubeconfig { get; private set; } = null!;

    public static async Task<WorkloadAgent> StartAsync()
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.Controllers);
        var agent = await TestAgent.StartAsync(options);
        var w = new WorkloadAgent(agent);
        await w.InitAsync();
        return w;
    }

    /// <summary>A fresh namespace for one test.</summary>
    public async Task<string> NamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, int seconds = 30)
    {
        var deadline = Stopwatch.StartNew();
        T value = await read();
        while (!condition(value))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"timed out waiting for {what}; last: {KubernetesJson.Serialize(value)}");
            }

            await Task.Delay(100);
            value = await read();
        }

        return value;
    }

    /// <summary>Runs kubectl against the agent; returns the exit code and the combined output.</summary>
    public async Task<(int Code, string Output)> KubectlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = Path.GetDirectoryName(Kubeconfig);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>kubectl that must succeed; returns its output.</summary>
    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var (code, output) = await KubectlAsync(args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {output}");
        return output;
    }

    /// <summary>
    /// Watches every pod event of <paramref name="ns"/> and records the most pods that were not being deleted at
    /// any moment (dispose to stop).
    /// </summary>
    public PodHighWater TrackPods(string ns) => new(Pods, ns);

    public async ValueTask DisposeAsync()
    {
        await Kubelet.DisposeAsync();
        await Heartbeat.DisposeAsync();
        await _informers.DisposeAsync();
        if (Environment.GetEnvironmentVariable("LK_KEEP_AGENT_LOG") is { Length: > 0 } keep && File.Exists(Agent.Options.LogFile))
        {
            // For debugging a run: the agent's log outlives its temporary folder.
            File.Copy(Agent.Options.LogFile, Path.Combine(keep, $"agent-{Guid.NewGuid():N}.log"));
        }

        await Agent.DisposeAsync();
        _dir.Dispose();
    }

    private async Task InitAsync()
    {
        await Admin.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = NodeName, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = NodeName } },
        });
        Heartbeat = await NodeHeartbeat.StartAsync(Agent.Kubelet, NodeName);
        _informers = Agent.CreateInformerFactory();
        var pods = Pods = _informers.GetInformer<V1Pod>();
        _informers.Start();
        await _informers.WaitForCacheSyncAsync(CancellationToken.None);
        Kubelet = new FakeKubelet(Agent.Kubelet, pods, NodeName);
        Kubeconfig = Agent.Pki.WriteKubeconfig(_dir.Combine("kubeconfig"), Agent.BaseAddress);
    }
}
