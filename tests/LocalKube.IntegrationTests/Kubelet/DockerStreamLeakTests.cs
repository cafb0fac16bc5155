using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using k8s;
using LocalKube.Testing;
using static LocalKube.IntegrationTests.Kubelet.KubeletCluster;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// Clients that vanish mid-stream (shared <see cref="KubeletCluster"/>): a killed kubectl during <c>logs -f</c>,
/// <c>exec</c> and <c>port-forward</c>, and 200 rapid connect/abort cycles of exec and port-forward WebSockets, leave
/// no docker exec instance running, no connection open inside the pod, and no file descriptor held by the agent;
/// the agent stays healthy.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
[Order(3)]
public sealed class DockerStreamLeakTests
{
    // The agent's descriptors move a little on their own (API clients, watches, the kubelet's pollers); a leak of
    // one per stream would be hundreds after the cycles below.
    private const int DescriptorSlack = 20;
    private KubeletCluster _cluster = null!;
    private string _containerId = null!;

    [OneTimeSetUp]
    public async Task CreatePod()
    {
        _cluster = await KubeletCluster.GetAsync();
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: s-leak}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "mkdir -p /www; echo leak-web > /www/index.html; httpd -p 8080 -h /www; while true; do echo tick; sleep 0.5; done"]
            """);
        var pod = await _cluster.WaitForPodAsync("s-leak", p => Phase(p) == "Running" && AllReady(p));
        _containerId = ContainerId(pod);
    }

    [Test]
    public async Task Killing_kubectl_mid_stream_frees_the_exec_the_log_follow_and_the_pod_connection()
    {
        var baseline = await CountsAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using (var exec = new StreamedProcess(_cluster.Env.StartPinnedKubectl(null, "exec", "-i", "s-leak", "--", "sh", "-c", "echo ready; exec cat")))
        {
            await exec.ReadOutputUntilAsync(l => l == "ready", timeout.Token);
            Assert.That((await CountsAsync()).Execs, Is.EqualTo(1), "the exec runs while kubectl is attached");
        }

        using (var logs = new StreamedProcess(_cluster.Env.StartPinnedKubectl(null, "logs", "-f", "s-leak", "--tail=1")))
        {
            await logs.ReadOutputUntilAsync(l => l == "tick", timeout.Token);
            await logs.ReadOutputUntilAsync(l => l == "tick", timeout.Token);
        }

        using (var forward = new StreamedProcess(_cluster.Env.StartPinnedKubectl(null, "port-forward", "pod/s-leak", ":8080")))
        {
            var port = (await DockerStreamingTests.ForwardedPortsAsync(forward, 1))[0];
            using var idle = new TcpClient();
            await idle.ConnectAsync("127.0.0.1", port, timeout.Token);
            // An open, idle connection: httpd waits for the request line.
            await WaitForAsync(async () => (await CountsAsync()).PodConnections == 1, "the forwarded connection reaches the pod");
        }

        await AssertBackToAsync(baseline);
        await AssertHealthyAsync();
    }

    [Test]
    public async Task Two_hundred_aborted_exec_and_port_forward_sessions_leak_nothing()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Env.Kubeconfig);
        using var client = new Kubernetes(config);
        var baseline = await CountsAsync();
        var watch = Stopwatch.StartNew();

        await ForEachAsync(200, async ct =>
        {
            using var exec = await client.WebSocketNamespacedPodExecAsync("s-leak", "default", ["cat"], "app",
                stderr: true, stdin: true, stdout: true, tty: false, cancellationToken: ct);
            await exec.SendAsync(new ArraySegment<byte>([0, (byte)'x', (byte)'\n']), WebSocketMessageType.Binary, true, ct);
            await ReceiveOnChannelAsync(exec, 1, ct);
            exec.Abort();
        });
        var execs = watch.Elapsed;

        await ForEachAsync(200, async ct =>
        {
            using var forward = await client.WebSocketNamespacedPodPortForwardAsync("s-leak", "default", [8080], "v4.channel.k8s.io", cancellationToken: ct);
            await forward.SendAsync(new ArraySegment<byte>(Encoding.ASCII.GetBytes("\0GET / HTTP/1.0\r\n\r\n")), WebSocketMessageType.Binary, true, ct);
            await ReceiveOnChannelAsync(forward, 0, ct, skipPortPrefix: true);
            forward.Abort();
        });
        TestContext.Progress.WriteLine($"200 aborted execs in {execs.TotalSeconds:0.0}s, 200 aborted port-forwards in {(watch.Elapsed - execs).TotalSeconds:0.0}s");

        await AssertBackToAsync(baseline);
        await AssertHealthyAsync();
    }

    private async Task AssertBackToAsync(Counts baseline)
    {
        Counts now = baseline;
        await WaitForAsync(async () =>
        {
            now = await CountsAsync();
            return now.Execs == 0 && now.PodConnections == 0 && now.AgentDescriptors <= baseline.AgentDescriptors + DescriptorSlack;
        }, () => $"streams were not freed: before {baseline}, after {now}");
        TestContext.Progress.WriteLine($"before {baseline}, after {now}");
    }

    private async Task AssertHealthyAsync()
    {
        Assert.That(await _cluster.KubectlOkAsync("get", "--raw", "/readyz"), Is.EqualTo("ok"));
        Assert.That(await _cluster.KubectlOkAsync("exec", "s-leak", "--", "echo", "alive"), Is.EqualTo("alive\n"));
        Assert.That(await _cluster.KubectlOkAsync("logs", "s-leak", "--tail=1"), Is.EqualTo("tick\n"));
    }

    /// <summary>Running exec instances of the pod's container, established connections in the pod, agent descriptors.</summary>
    private async Task<Counts> CountsAsync()
    {
        var output = await _cluster.NodeShellAsync($$$"""
            docker inspect -f '{{len .ExecIDs}}' {{{_containerId}}}
            docker exec {{{_containerId}}} netstat -tn | awk '$4 ~ /:8080$/ && $6 == "ESTABLISHED"' | wc -l
            ls /proc/$(cat /run/localkube/agent.pid)/fd | wc -l
            """);
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // inspect looks before the script's own 'docker exec' starts, so that one is never counted.
        return new Counts(values[0], values[1], values[2]);
    }

    private static async Task ForEachAsync(int count, Func<CancellationToken, Task> cycle)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(timeout.Token);
            try
            {
                await cycle(timeout.Token);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Reads WebSocket messages until one carries data on <paramref name="channel"/>.</summary>
    private static async Task ReceiveOnChannelAsync(WebSocket socket, byte channel, CancellationToken ct, bool skipPortPrefix = false)
    {
        var buffer = new byte[4096];
        var prefixSeen = !skipPortPrefix;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), ct);
            Assert.That(result.MessageType, Is.Not.EqualTo(WebSocketMessageType.Close), "the server closed the stream before any data");
            if (result.Count < 2 || buffer[0] != channel)
            {
                continue;
            }

            if (!prefixSeen)
            {
                // The first message of a port-forward channel is the port number (2 bytes).
                prefixSeen = true;
                if (result.Count == 3)
                {
                    continue;
                }
            }

            return;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> done, string what) => await WaitForAsync(done, () => what);

    private static async Task WaitForAsync(Func<Task<bool>> done, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), what);
            await Task.Delay(500);
        }
    }

    private sealed record Counts(int Execs, int PodConnections, int AgentDescriptors);
}
