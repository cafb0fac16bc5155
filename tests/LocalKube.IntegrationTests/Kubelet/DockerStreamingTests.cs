using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Testing;
using static LocalKube.IntegrationTests.Kubelet.KubeletCluster;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// Issue 13's acceptance with real containers (shared <see cref="KubeletCluster"/>): the real kubectl's logs, exec
/// (WebSocket v5 with 1.32, SPDY with 1.27, a tty under tmux), cp, port-forward (tunnelled SPDY with 1.33, SPDY with
/// 1.27) and the kubelet API through the API server's node proxy and from inside the node on 10255.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
[Order(2)]
public sealed partial class DockerStreamingTests
{
    private KubeletCluster _cluster = null!;
    private LocalKubeEnvironment _env = null!;

    [OneTimeSetUp]
    public async Task CreatePods()
    {
        _cluster = await KubeletCluster.GetAsync();
        _env = _cluster.Env;
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: s-web, labels: {app: s-web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{{Image}}}
                command: [sh, -c, "mkdir -p /a /b; echo port-8080 > /a/index.html; echo port-9090 > /b/index.html; echo web-started; httpd -p 9090 -h /b; exec httpd -f -p 8080 -h /a"]
                ports: [{containerPort: 8080, name: http}, {containerPort: 9090}]
              - {name: sidecar, image: {{{Image}}}, command: [sh, -c, "echo sidecar-started; exec sleep 3600"]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: s-web}
            spec:
              selector: {app: s-web}
              ports: [{port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: s-logs}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "for i in 1 2 3 4 5; do echo line-$i; done; mkfifo /tmp/in; while true; do cat /tmp/in; done"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: s-restart}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "n=$(( $(cat /s/n 2>/dev/null || echo 0) + 1 )); echo $n > /s/n; echo attempt-$n; exec sleep 3600"]
                volumeMounts: [{name: s, mountPath: /s}]
              volumes: [{name: s, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: s-attach}
            spec:
              terminationGracePeriodSeconds: 1
              restartPolicy: Never
              containers:
              - name: app
                image: {{{Image}}}
                stdin: true
                stdinOnce: true
                command: [sh, -c, "while read l; do echo got-$l; done; echo stdin-closed"]
            """);
        foreach (var pod in new[] { "s-web", "s-logs", "s-restart", "s-attach" })
        {
            await _cluster.WaitForPodAsync(pod, p => Phase(p) == "Running" && AllReady(p));
        }
    }

    [Test]
    public async Task Logs_follow_tail_timestamps_since_limit_selectors_and_all_containers()
    {
        var all = await _cluster.KubectlOkAsync("logs", "s-logs");
        Assert.That(all, Is.EqualTo("line-1\nline-2\nline-3\nline-4\nline-5\n"));
        Assert.That(await _cluster.KubectlOkAsync("logs", "s-logs", "--tail=2"), Is.EqualTo("line-4\nline-5\n"));

        var stamped = (await _cluster.KubectlOkAsync("logs", "s-logs", "--timestamps", "--tail=1")).TrimEnd('\n');
        Assert.That(stamped, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line-5$"), "RFC 3339 with nine fraction digits, as the kubelet writes");

        Assert.That(await _cluster.KubectlOkAsync("logs", "s-logs", "--limit-bytes=9"), Is.EqualTo("line-1\nli"));
        Assert.That(await _cluster.KubectlOkAsync("logs", "-l", "app=s-web", "-c", "web", "--prefix"), Is.EqualTo("[pod/s-web/web] web-started\n"));

        var both = await _cluster.KubectlOkAsync("logs", "s-web", "--all-containers", "--prefix");
        Assert.That(both, Does.Contain("[pod/s-web/web] web-started").And.Contain("[pod/s-web/sidecar] sidecar-started"));

        // --since: lines written before the window are left out, a fresh one is in.
        var started = DateTimeOffset.Parse(Container(await _cluster.PodAsync("s-logs")).GetProperty("state").GetProperty("running").GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture);
        var wait = started + TimeSpan.FromSeconds(6) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await _cluster.InContainerAsync("s-logs", "app", "echo fresh > /tmp/in");
        Assert.That(await _cluster.KubectlOkAsync("logs", "s-logs", "--since=4s"), Is.EqualTo("fresh\n"));

        // -f: a line appended while following shows up within a second of the container writing it (the runtime's
        // timestamp against the moment kubectl prints it; best of three, so a load spike does not decide), and the
        // stream keeps going.
        using var follow = new StreamedProcess(_env.StartPinnedKubectl(null, "logs", "-f", "s-logs", "--tail=0", "--timestamps"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await AppendUntilSeenAsync(follow, "follow-0", timeout.Token);
        var latencies = new List<TimeSpan>();
        for (var i = 1; i <= 3; i++)
        {
            var marker = $" follow-{i}";
            var arrival = Task.Run(async () =>
            {
                var line = await follow.ReadOutputUntilAsync(l => l.EndsWith(marker, StringComparison.Ordinal), timeout.Token);
                return (Line: line, At: DateTimeOffset.UtcNow);
            });
            await _cluster.InContainerAsync("s-logs", "app", $"echo follow-{i} > /tmp/in");
            var (line, at) = await arrival;
            latencies.Add(at - DateTimeOffset.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
        }

        TestContext.Progress.WriteLine($"logs -f latencies: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:0} ms"))}");
        Assert.That(latencies.Min(), Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Logs_previous_shows_the_attempt_before_a_restart()
    {
        var noPrevious = await _env.KubectlAsync("logs", "s-restart", "--previous");
        Assert.That(noPrevious.ExitCode, Is.Not.Zero);
        Assert.That(noPrevious.StandardError, Does.Contain("previous terminated container \"app\" in pod \"s-restart\" not found"));

        var before = await _cluster.PodAsync("s-restart");
        await _cluster.NodeShellAsync($"docker kill {ContainerId(before)}");
        await _cluster.WaitForPodAsync("s-restart", p => Container(p).GetProperty("restartCount").GetInt32() == 1
            && Container(p).GetProperty("state").TryGetProperty("running", out _), seconds: 60);

        Assert.Multiple(async () =>
        {
            Assert.That(await _cluster.KubectlOkAsync("logs", "s-restart", "--previous"), Is.EqualTo("attempt-1\n"));
            Assert.That(await _cluster.KubectlOkAsync("logs", "s-restart"), Is.EqualTo("attempt-2\n"));
        });
    }

    [TestCase("1.32")]
    [TestCase("1.27")]
    public async Task Exec_propagates_the_exit_code_and_round_trips_stdin(string version)
    {
        var exit = await _env.KubectlAsync(version, ["exec", "s-web", "-c", "web", "--", "sh", "-c", "exit 3"]);
        Assert.That(exit.ExitCode, Is.EqualTo(3), exit.StandardError);

        var echo = await _env.KubectlAsync(version, ["exec", "-i", "s-web", "-c", "web", "--", "cat"], PipeSource.FromString("hi\n"));
        Assert.That((echo.ExitCode, echo.StandardOutput), Is.EqualTo((0, "hi\n")), echo.StandardError);

        var split = await _env.KubectlAsync(version, ["exec", "s-web", "-c", "web", "--", "sh", "-c", "echo out; echo err >&2"]);
        Assert.That((split.StandardOutput, split.StandardError), Is.EqualTo(("out\n", "err\n")));
    }

    [Test]
    public async Task Pod_proxy_keeps_redirects_and_page_links_inside_the_proxy()
    {
        // busybox httpd answers /sub with a redirect to /sub/ and serves a page linking to /sub/next.html.
        await _cluster.InContainerAsync("s-web", "web", "mkdir -p /a/sub && echo '<a href=\"/sub/next.html\">next</a> <img src=\"rel.png\">' > /a/sub/index.html");
        const string Proxy = "/api/v1/namespaces/default/pods/s-web:8080/proxy";

        // client-go follows the redirect: it only arrives if the Location was rewritten to the proxy's path.
        var page = await _cluster.KubectlOkAsync("get", "--raw", Proxy + "/sub");
        Assert.That(page.Trim(), Is.EqualTo($"<a href=\"{Proxy}/sub/next.html\">next</a> <img src=\"rel.png\">"));
    }

    [Test]
    public async Task Debug_adds_an_ephemeral_container_that_sees_its_targets_processes()
    {
        // kubectl debug patches pods/ephemeralcontainers; --target puts the debugger in the sidecar's PID namespace.
        var debug = await _env.KubectlAsync("debug", "s-web", $"--image={Image}", "--target=sidecar", "--container=dbg", "--", "sh", "-c", "ps; echo debug-ok");
        Assert.That(debug.ExitCode, Is.Zero, debug.StandardError);
        var pod = await _cluster.WaitForPodAsync("s-web", p => p.GetProperty("status").TryGetProperty("ephemeralContainerStatuses", out var e)
            && e[0].GetProperty("state").TryGetProperty("terminated", out _), seconds: 60);
        var status = pod.GetProperty("status").GetProperty("ephemeralContainerStatuses")[0];
        var logs = await _cluster.KubectlOkAsync("logs", "s-web", "-c", "dbg");
        Assert.Multiple(() =>
        {
            Assert.That(status.GetProperty("name").GetString(), Is.EqualTo("dbg"));
            Assert.That(status.GetProperty("state").GetProperty("terminated").GetProperty("exitCode").GetInt32(), Is.Zero);
            Assert.That(status.GetProperty("restartCount").GetInt32(), Is.Zero);
            Assert.That(logs, Does.Contain("sleep 3600").And.Contain("debug-ok"), "the sidecar's process is visible");
            Assert.That(AllReady(pod), Is.True, "the pod's readiness ignores the debugger");
        });
    }

    [Test]
    public async Task Attach_with_stdin_reaches_the_container_and_stdin_once_closes_it()
    {
        // The container reads its own stdin (spec.stdin); kubectl attach -i feeds it. With stdinOnce the container's
        // stdin closes when this first attach's input ends, so its read loop ends, the container exits and the
        // attach returns by itself.
        var attach = await _env.KubectlAsync("1.32", ["attach", "-i", "s-attach", "-c", "app"], PipeSource.FromString("hello\nworld\n"));
        Assert.Multiple(() =>
        {
            Assert.That(attach.ExitCode, Is.EqualTo(0), attach.StandardError);
            Assert.That(attach.StandardOutput, Does.Contain("got-hello\ngot-world\n"));
            Assert.That(attach.StandardOutput, Does.Contain("stdin-closed"));
        });

        var pod = await _cluster.WaitForPodAsync("s-attach", p => Phase(p) == "Succeeded");
        var state = pod.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("state");
        Assert.That(state.GetProperty("terminated").GetProperty("exitCode").GetInt32(), Is.EqualTo(0), state.ToString());
    }

    [Test]
    public async Task Exec_with_a_tty_works_in_a_real_terminal()
    {
        var socket = $"stream3-{Guid.NewGuid().ToString("N")[..8]}";
        var env = _env.EnvironmentAssignments().Where(a => !a.StartsWith("TERM=", StringComparison.Ordinal));
        var command = $"env {string.Join(' ', env.Select(Quote))} kubectl exec -it s-web -c web -- sh";
        await Tmux(socket, "new-session", "-d", "-x", "100", "-y", "30", command);
        try
        {
            await Tmux(socket, "set-option", "-g", "remain-on-exit", "on");
            // Type at the prompt, as a person does: keys typed ahead run before kubectl's first resize has landed.
            await ScreenUntilAsync(socket, s => Prompt().IsMatch(s));
            await Tmux(socket, "send-keys", "echo tty-$((6*7)); stty size; tty", "Enter");
            var screen = await ScreenUntilAsync(socket, s => s.Contains("tty-42", StringComparison.Ordinal) && s.Contains("/dev/pts/", StringComparison.Ordinal));
            Assert.That(screen, Does.Match(@"(?m)^30 100\s*$"), "the terminal's size reached the container");

            await Tmux(socket, "send-keys", "exit 5", "Enter");
            await ScreenUntilAsync(socket, _ => true, dead: true);
            var status = await Tmux(socket, "display-message", "-p", "#{pane_dead_status}");
            Assert.That(status.Trim(), Is.EqualTo("5"), "kubectl exits with the shell's exit code");
        }
        finally
        {
            await Cli.Wrap("tmux").WithArguments(["-L", socket, "kill-server"]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        }
    }

    [Test]
    public async Task Cp_copies_a_file_and_a_directory_in_and_out()
    {
        using var work = new TempDirectory("lkcp");
        var file = work.Combine("note.txt");
        await File.WriteAllTextAsync(file, "copied in\n");
        var dir = Directory.CreateDirectory(work.Combine("tree", "sub")).Parent!.FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "top.txt"), "top\n");
        await File.WriteAllBytesAsync(Path.Combine(dir, "sub", "blob.bin"), Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());

        await _cluster.KubectlOkAsync("cp", file, "s-web:/tmp/note.txt", "-c", "web");
        await _cluster.KubectlOkAsync("cp", dir, "s-web:/tmp/tree", "-c", "web");
        Assert.Multiple(async () =>
        {
            Assert.That(await _cluster.InContainerAsync("s-web", "web", "cat /tmp/note.txt"), Is.EqualTo("copied in"));
            Assert.That(await _cluster.InContainerAsync("s-web", "web", "cat /tmp/tree/top.txt; wc -c < /tmp/tree/sub/blob.bin"), Is.EqualTo("top\n70000"));
        });

        await _cluster.InContainerAsync("s-web", "web", "echo made in the pod > /tmp/made.txt; mkdir -p /tmp/out/deep; echo deep > /tmp/out/deep/file");
        await _cluster.KubectlOkAsync("cp", "s-web:/tmp/made.txt", work.Combine("made.txt"), "-c", "web");
        await _cluster.KubectlOkAsync("cp", "s-web:/tmp/out", work.Combine("out"), "-c", "web");
        await _cluster.KubectlOkAsync("cp", "s-web:/tmp/tree", work.Combine("back"), "-c", "web");
        Assert.Multiple(async () =>
        {
            Assert.That(await File.ReadAllTextAsync(work.Combine("made.txt")), Is.EqualTo("made in the pod\n"));
            Assert.That(await File.ReadAllTextAsync(work.Combine("out", "deep", "file")), Is.EqualTo("deep\n"));
            Assert.That(await File.ReadAllBytesAsync(work.Combine("back", "sub", "blob.bin")), Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(dir, "sub", "blob.bin"))));
        });
    }

    /// <summary>1.33 tunnels SPDY through a WebSocket (the default since 1.31); 1.27 speaks SPDY.</summary>
    [TestCase("1.33")]
    [TestCase("1.27")]
    public async Task Port_forward_two_pod_ports_and_fifty_parallel_requests(string version)
    {
        using var forward = new StreamedProcess(_env.StartPinnedKubectl(version, "port-forward", "pod/s-web", ":8080", ":9090", "-v=4"));
        var ports = await ForwardedPortsAsync(forward, 2);
        using var http = NewHttpClient();
        Assert.That(await http.GetStringAsync($"http://127.0.0.1:{ports[1]}/"), Is.EqualTo("port-9090\n"));
        if (version == "1.33")
        {
            // kubectl's tunnelling dialer logs the WebSocket it got (-v=4); 1.27 has no such path.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await forward.ReadErrorUntilAsync(l => l.Contains("negotiated protocol: portforward.k8s.io", StringComparison.Ordinal), timeout.Token);
        }

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => http.GetStringAsync($"http://127.0.0.1:{ports[0]}/")));
        Assert.That(replies, Is.All.EqualTo("port-8080\n"), "50 concurrent connections through one forward");
    }

    [Test]
    public async Task Port_forward_to_a_service_reaches_its_pod_port()
    {
        using var forward = new StreamedProcess(_env.StartPinnedKubectl(null, "port-forward", "svc/s-web", ":80"));
        var ports = await ForwardedPortsAsync(forward, 1);
        using var http = NewHttpClient();
        Assert.That(await http.GetStringAsync($"http://127.0.0.1:{ports[0]}/"), Is.EqualTo("port-8080\n"));
        Assert.That(forward.Seen, Has.Some.Contains("-> 8080"), "kubectl resolved the service's port to the pod's");
    }

    [Test]
    public async Task The_node_proxy_and_the_read_only_port_serve_the_kubelet_api()
    {
        var pods = JsonDocument.Parse(await _cluster.KubectlOkAsync("get", "--raw", $"/api/v1/nodes/{_cluster.Node}/proxy/pods")).RootElement;
        Assert.That(PodNames(pods), Does.Contain("s-web"));

        var summary = JsonDocument.Parse(await _cluster.KubectlOkAsync("get", "--raw", $"/api/v1/nodes/{_cluster.Node}/proxy/stats/summary")).RootElement;
        var node = summary.GetProperty("node");
        var web = summary.GetProperty("pods").EnumerateArray().Single(p => p.GetProperty("podRef").GetProperty("name").GetString() == "s-web");
        Assert.Multiple(() =>
        {
            Assert.That(node.GetProperty("nodeName").GetString(), Is.EqualTo(_cluster.Node));
            Assert.That(node.GetProperty("memory").GetProperty("workingSetBytes").GetInt64(), Is.GreaterThan(0));
            Assert.That(node.GetProperty("fs").GetProperty("capacityBytes").GetInt64(), Is.GreaterThan(0));
            Assert.That(web.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "web", "sidecar" }));
            Assert.That(web.GetProperty("memory").GetProperty("workingSetBytes").GetInt64(), Is.GreaterThan(0), "real usage from the engine");
            Assert.That(web.GetProperty("cpu").TryGetProperty("usageCoreNanoSeconds", out _), Is.True);
        });

        // The read-only port, from inside the node as the seed tutorial shows.
        var readOnly = await _env.LocalKubeAsync("ssh", "-p", _cluster.Node, "--", "curl", "-s", "localhost:10255/pods");
        Assert.That(readOnly.ExitCode, Is.Zero, readOnly.StandardError);
        Assert.That(PodNames(JsonDocument.Parse(readOnly.StandardOutput).RootElement), Does.Contain("s-web"));
        var healthz = await _env.LocalKubeAsync("ssh", "-p", _cluster.Node, "--", "curl", "-s", "localhost:10255/healthz");
        Assert.That(healthz.StandardOutput, Is.EqualTo("ok"));

        static IEnumerable<string?> PodNames(JsonElement list) =>
            list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("metadata").GetProperty("name").GetString());
    }

    internal static HttpClient NewHttpClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The local ports of kubectl port-forward's "Forwarding from 127.0.0.1:P -> Q" lines, in order.</summary>
    internal static async Task<int[]> ForwardedPortsAsync(StreamedProcess forward, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var line = await forward.ReadOutputUntilAsync(l => Forwarding().IsMatch(l), timeout.Token);
            ports.Add(int.Parse(Forwarding().Match(line).Groups[1].Value, CultureInfo.InvariantCulture));
        }

        return [.. ports];
    }

    private async Task AppendUntilSeenAsync(StreamedProcess follow, string marker, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _cluster.InContainerAsync("s-logs", "app", $"echo {marker} > /tmp/in");
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await follow.ReadOutputUntilAsync(l => l.EndsWith(" " + marker, StringComparison.Ordinal), attempt.Token);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not following yet.
            }
        }
    }

    private static async Task<string> Tmux(string socket, params string[] args)
    {
        var result = await Cli.Wrap("tmux").WithArguments(["-L", socket, .. args])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.Zero, $"tmux {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static async Task<string> ScreenUntilAsync(string socket, Func<string, bool> done, bool dead = false)
    {
        var watch = Stopwatch.StartNew();
        var screen = "";
        // The exit can take long on a loaded machine (seen once in CI at load ~20: the shell's "exit 5" and kubectl's
        // "command terminated with exit code 5" were on screen, the pane not yet dead after 30 s).
        while (watch.Elapsed < TimeSpan.FromSeconds(dead ? 90 : 30))
        {
            screen = await Tmux(socket, "capture-pane", "-p");
            // tmux sees the terminal close before it reaps the process: wait for the exit status itself.
            var isDead = (await Tmux(socket, "display-message", "-p", "#{pane_dead_status}")).Trim().Length > 0;
            if (done(screen) && (!dead || isDead))
            {
                return screen;
            }

            await Task.Delay(200);
        }

        // What still runs in the pane, to tell a hung kubectl from a slow reap next time.
        var pane = (await Tmux(socket, "display-message", "-p", "#{pane_pid}")).Trim();
        var processes = await Cli.Wrap("ps").WithArguments(["-o", "pid,ppid,stat,etime,args", "--ppid", pane, "-p", pane])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.Fail($"the terminal did not show what was expected; screen:\n{screen}\nprocesses of the pane:\n{processes.StandardOutput}");
        return screen;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // busybox sh's prompt alone on the last line (capture-pane drops trailing blanks).
    [GeneratedRegex(@"(?m)^/ #\s*$")]
    private static partial Regex Prompt();

    [GeneratedRegex(@"Forwarding from 127\.0\.0\.1:(\d+) ->")]
    private static partial Regex Forwarding();
}
