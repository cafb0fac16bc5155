using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Runtime.Simulated;
using LocalKube.Node.Testing;
using LocalKube.Testing;

namespace LocalKube.Node.Kubelet.Tests.Streaming;

/// <summary>
/// The real kubectl through the real API server into the kubelet's API over the simulated runtime (whose exec echoes
/// stdin and whose pods echo on their annotated ports): logs, exec, attach, port-forward and the node proxy, both in
/// the WebSocket era (1.32: exec over v5.channel.k8s.io, port-forward tunnelled SPDY) and the SPDY era (1.27).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class KubectlStreamingTests
{
    private TestAgent _agent = null!;
    private TempDirectory _dir = null!;
    private string _kubeconfig = null!;

    [OneTimeSetUp]
    public async Task StartAgent()
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.ContainerRuntime);
        options.Components.Add(NodeComponent.Kubelet);
        _agent = await TestAgent.StartAsync(options);
        _dir = new TempDirectory("lk-stream");
        Directory.CreateDirectory(_dir.Combine("home"));
        _kubeconfig = _agent.Pki.WriteKubeconfig(_dir.Combine("kubeconfig"), _agent.BaseAddress);
        await CreatePodAsync(Pod("echo", new Dictionary<string, string>
        {
            [SimulatedAnnotations.LogInterval] = "200ms",
            [SimulatedAnnotations.EchoPorts] = "8080,9090",
        }));
        await CreatePodAsync(Pod("fails", new Dictionary<string, string> { [SimulatedAnnotations.ExecExitCode] = "3" }));
        await WaitRunningAsync("echo");
        await WaitRunningAsync("fails");
    }

    [OneTimeTearDown]
    public async Task StopAgent()
    {
        await _agent.DisposeAsync();
        _dir.Dispose();
    }

    [TestCase("1.32")]
    [TestCase("1.27")]
    public async Task Exec_carries_stdin_stdout_and_the_exit_code(string version)
    {
        var kubectl = Kubectl(version);
        var echo = await kubectl.RunAsync("hi\n", "exec", "-i", "echo", "--", "cat");
        Assert.That((echo.Code, echo.Stdout), Is.EqualTo((0, "hi\n")), echo.Stderr);

        var failed = await kubectl.RunAsync(null, "exec", "fails", "--", "sh", "-c", "exit 3");
        Assert.That(failed.Code, Is.EqualTo(3), failed.Stdout + failed.Stderr);
    }

    [Test]
    public async Task Exec_errors_are_upstreams()
    {
        var kubectl = Kubectl(null);
        var container = await kubectl.RunAsync(null, "exec", "echo", "-c", "nope", "--", "true");
        Assert.That(container.Code, Is.EqualTo(1));
        Assert.That(container.Stderr, Does.Contain("container nope is not valid for pod echo"));

        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "unscheduled" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "busybox:1.36" }] },
        }, "default");
        var unscheduled = await kubectl.RunAsync(null, "exec", "unscheduled", "--", "true");
        Assert.That(unscheduled.Stderr, Does.Contain("pod unscheduled does not have a host assigned"));

        var missing = await kubectl.RunAsync(null, "exec", "ghost", "--", "true");
        Assert.That(missing.Stderr, Does.Contain("pods \"ghost\" not found"));

        await _agent.Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "pod-reader" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods", "pods/exec"], Verbs = ["get", "list"] }],
        }, "default");
        await _agent.Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "jane-reads-pods" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "pod-reader" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "jane", ApiGroup = "rbac.authorization.k8s.io" }],
        }, "default");
        using var jane = _agent.Pki.IssueClient("jane", []);
        var janeConfig = _agent.Pki.WriteKubeconfig(_dir.Combine("jane.kubeconfig"), _agent.BaseAddress, jane);
        var forbidden = await new Kubectl(kubectl.Path, janeConfig, _dir.Combine("home")).RunAsync(null, "exec", "echo", "--", "true");
        Assert.That(forbidden.Stderr, Does.Contain("cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\""));
    }

    [Test]
    public async Task Logs_tail_timestamps_follow_and_container_errors()
    {
        var kubectl = Kubectl(null);
        var all = await kubectl.OkAsync("logs", "echo");
        Assert.That(all, Does.Contain("simulated container app"));

        var tail = await kubectl.OkAsync("logs", "echo", "--tail=1");
        Assert.That(tail.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));

        var stamped = await kubectl.OkAsync("logs", "echo", "--tail=1", "--timestamps");
        Assert.That(stamped, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z "));

        using var follow = kubectl.Start("logs", "-f", "echo", "--tail=0");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var first = await follow.StandardOutput.ReadLineAsync(timeout.Token);
            var second = await follow.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.That(new[] { first, second }, Is.All.Not.Null.And.Not.Empty, "logs -f streams new lines as they are written");
        }
        finally
        {
            follow.Kill(entireProcessTree: true);
        }

        var wrong = await kubectl.RunAsync(null, "logs", "echo", "-c", "nope");
        Assert.That(wrong.Stderr, Does.Contain("container nope is not valid for pod echo"));
    }

    [TestCase("1.32")]
    [TestCase("1.27")]
    public async Task Port_forward_echoes_through_many_connections(string version)
    {
        using var forward = Kubectl(version).Start("port-forward", "pod/echo", ":8080", ":9090");
        try
        {
            var ports = await ForwardedPortsAsync(forward, 2);
            var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => RoundTripAsync(ports[i % 2], $"ping {i}")));
            Assert.That(replies, Is.EqualTo(Enumerable.Range(0, 20).Select(i => $"ping {i}")));
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public async Task Port_forward_to_a_closed_port_reports_the_refusal()
    {
        using var forward = Kubectl(null).Start("port-forward", "pod/echo", ":7070");
        try
        {
            var ports = await ForwardedPortsAsync(forward, 1);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", ports[0]);
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
            Assert.That(read, Is.Zero, "the connection to a closed pod port is closed");

            // kubectl (1.29+) prints the error stream's text and gives the forward up.
            await forward.WaitForExitAsync(timeout.Token);
            var stderr = await forward.StandardError.ReadToEndAsync(timeout.Token);
            Assert.That(stderr, Does.Contain("error forwarding port 7070 to pod").And.Contain("connect: connection refused"));
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public async Task The_node_proxy_reaches_the_kubelet_api()
    {
        var kubectl = Kubectl(null);
        var pods = KubernetesJson.Deserialize<V1PodList>(await kubectl.OkAsync("get", "--raw", "/api/v1/nodes/test-node/proxy/pods"));
        Assert.That(pods.Items.Select(p => p.Metadata.Name), Does.Contain("echo"));

        var summary = await kubectl.OkAsync("get", "--raw", "/api/v1/nodes/test-node/proxy/stats/summary");
        Assert.That(summary, Does.Contain("\"nodeName\"").And.Contain("\"echo\""));

        var metrics = await kubectl.OkAsync("get", "--raw", "/api/v1/nodes/test-node/proxy/metrics/resource");
        Assert.That(metrics, Does.Contain("node_cpu_usage_seconds_total"));

        var missing = await kubectl.RunAsync(null, "get", "--raw", "/api/v1/nodes/ghost/proxy/pods");
        Assert.That(missing.Stderr, Does.Contain("nodes \"ghost\" not found"));
    }

    /// <summary>Keeps the agent up for a person with kubectl (the kubeconfig path is in the test output).</summary>
    [Test]
    [Explicit("manual debugging")]
    public async Task Hold()
    {
        await TestContext.Progress.WriteLineAsync("KUBECONFIG=" + _kubeconfig);
        await Task.Delay(TimeSpan.FromMinutes(20));
    }

    private static async Task<int[]> ForwardedPortsAsync(Process forward, int count)
    {
        var ports = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (ports.Count < count)
        {
            var line = await forward.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                Assert.Fail("port-forward ended: " + await forward.StandardError.ReadToEndAsync(timeout.Token));
            }

            if (Forwarding().Match(line!) is { Success: true } match)
            {
                ports.Add(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return [.. ports];
    }

    private static async Task<string> RoundTripAsync(int port, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await TcpEcho.RoundTripAsync(port, text, timeout.Token);
    }

    private Kubectl Kubectl(string? version) => Streaming.Kubectl.Find(version, _kubeconfig, _dir.Combine("home"));

    private async Task CreatePodAsync(V1Pod pod) => await _agent.Admin.CoreV1.CreateNamespacedPodAsync(pod, "default");

    private async Task WaitRunningAsync(string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var pod = await _agent.Admin.CoreV1.ReadNamespacedPodAsync(name, "default");
            if (pod.Status?.Phase == "Running")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"pod {name} is not running");
    }

    private static V1Pod Pod(string name, Dictionary<string, string> annotations) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
        Spec = new V1PodSpec
        {
            NodeName = "test-node",
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "busybox:1.36" }],
        },
    };

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) ->")]
    private static partial Regex Forwarding();
}
