using System.Diagnostics;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The kubelet's acceptance with real containers: one <c>localkube start --driver docker</c> cluster, a busybox
/// image built from the node's own busybox and loaded into the node's engine (no registry), and the real kubectl.
/// What the containers did is read inside them through the node's engine (<c>docker exec</c> twice), so these tests
/// do not depend on the streaming endpoints.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
public sealed class DockerKubeletTests
{
    private const string Image = "localkube.test/busybox:1";
    private LocalKubeEnvironment _env = null!;
    private string _node = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _env = new LocalKubeEnvironment();
        _node = _env.Profile("kubelet");
        var start = await _env.LocalKubeAsync("start", "--driver", "docker", "-p", _node);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
        await LoadBusyboxImageAsync();
    }

    [OneTimeTearDown]
    public async Task DeleteCluster() => await _env.DisposeAsync();

    [Test]
    public async Task Pods_run_in_the_node_engine_and_reach_Ready_with_upstream_status_and_events()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: bound}
            spec:
              nodeName: {{{_node}}}
              containers:
              - {name: app, image: {{{Image}}}, imagePullPolicy: Never, command: [sleep, "3600"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: scheduled}
            spec:
              containers:
              - {name: app, image: {{{Image}}}, command: [sleep, "3600"]}
            """);

        var wait = await _env.KubectlAsync("wait", "--for=condition=Ready", "pod/bound", "pod/scheduled", "--timeout=90s");
        Assert.That(wait.ExitCode, Is.Zero, wait.StandardError);
        var pod = await PodAsync("bound");
        var status = pod.GetProperty("status");
        var container = status.GetProperty("containerStatuses")[0];
        Assert.Multiple(() =>
        {
            Assert.That(status.GetProperty("phase").GetString(), Is.EqualTo("Running"));
            Assert.That(status.GetProperty("podIP").GetString(), Does.StartWith("10.244."));
            Assert.That(status.GetProperty("qosClass").GetString(), Is.EqualTo("BestEffort"));
            Assert.That(container.GetProperty("containerID").GetString(), Does.StartWith("docker://"));
            Assert.That(container.GetProperty("imageID").GetString(), Does.StartWith("docker://sha256:"));
            Assert.That(container.GetProperty("started").GetBoolean(), Is.True);
            Assert.That(status.GetProperty("conditions").EnumerateArray().Select(c => c.GetProperty("type").GetString()),
                Is.EquivalentTo(new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" }));
        });

        // The container really runs in the pod's sandbox, with the ServiceAccount token the admission asked for.
        Assert.That(await InContainerAsync("bound", "app", "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace"), Is.EqualTo("default"));
        var describe = await KubectlOkAsync("describe", "pod", "bound");
        Assert.That(describe, Does.Contain($"Container image \"{Image}\" already present on machine")
            .And.Contain("Created container: app").And.Contain("Started container app"));
    }

    [Test]
    public async Task Exits_follow_the_restart_policy_with_CrashLoopBackOff_and_termination_messages()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: crash}
            spec:
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "exit 3"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: done}
            spec:
              restartPolicy: Never
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "exit 0"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: failed}
            spec:
              restartPolicy: Never
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "echo oops > /dev/termination-log; exit 7"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: onfailure}
            spec:
              restartPolicy: OnFailure
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "exit 0"]}
            """);

        var crash = await WaitForPodAsync("crash", p => Container(p).GetProperty("restartCount").GetInt32() >= 2
            && Waiting(p)?.GetProperty("reason").GetString() == "CrashLoopBackOff");
        var failed = await WaitForPodAsync("failed", p => Phase(p) == "Failed");
        await WaitForPodAsync("done", p => Phase(p) == "Succeeded");
        var onFailure = await WaitForPodAsync("onfailure", p => Phase(p) == "Succeeded");
        // crash's STATUS moves between Error, Running and CrashLoopBackOff; its waiting reason is checked above.
        var table = await KubectlOkAsync("get", "pods", "done", "failed", "--no-headers");
        var terminated = Container(failed).GetProperty("state").GetProperty("terminated");
        Assert.Multiple(() =>
        {
            Assert.That(Waiting(crash)!.Value.GetProperty("message").GetString(), Does.Match(@"^back-off (10|20|40)s restarting failed container=app pod=crash_default\("));
            Assert.That(Container(crash).GetProperty("lastState").GetProperty("terminated").GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
            Assert.That(terminated.GetProperty("exitCode").GetInt32(), Is.EqualTo(7));
            Assert.That(terminated.GetProperty("reason").GetString(), Is.EqualTo("Error"));
            Assert.That(terminated.GetProperty("message").GetString(), Is.EqualTo("oops\n"));
            Assert.That(Container(onFailure).GetProperty("restartCount").GetInt32(), Is.Zero, "OnFailure does not restart a success");
            Assert.That(table, Does.Match(@"done\s+0/1\s+Completed").And.Match(@"failed\s+0/1\s+Error"));
        });
    }

    [Test]
    public async Task Init_containers_run_in_order_before_the_app_and_a_failing_one_blocks_it()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: inits}
            spec:
              initContainers:
              - {name: first, image: {{{Image}}}, command: [sh, -c, "echo first >> /work/order"], volumeMounts: [{name: w, mountPath: /work}]}
              - {name: second, image: {{{Image}}}, command: [sh, -c, "echo second >> /work/order"], volumeMounts: [{name: w, mountPath: /work}]}
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "echo app >> /work/order; exec sleep 3600"], volumeMounts: [{name: w, mountPath: /work}]}
              volumes: [{name: w, emptyDir: {}}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: badinit}
            spec:
              restartPolicy: Never
              initContainers:
              - {name: fails, image: {{{Image}}}, command: [sh, -c, "exit 1"]}
              containers:
              - {name: app, image: {{{Image}}}, command: [sleep, "3600"]}
            """);

        await WaitForPodAsync("inits", p => Phase(p) == "Running");
        var bad = await WaitForPodAsync("badinit", p => Phase(p) == "Failed");
        Assert.Multiple(async () =>
        {
            Assert.That(await InContainerAsync("inits", "app", "cat /work/order"), Is.EqualTo("first\nsecond\napp"));
            Assert.That(Container(bad).GetProperty("state").TryGetProperty("terminated", out _), Is.False, "the app never started");
            Assert.That(await KubectlOkAsync("get", "pod", "badinit", "--no-headers"), Does.Match(@"badinit\s+0/1\s+Init:Error"));
        });
    }

    [Test]
    public async Task Probes_restart_on_liveness_failure_and_flip_readiness_both_ways()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: probed}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "exec sleep 3600"]
                readinessProbe: {exec: {command: [test, -f, /state/ready]}, periodSeconds: 1}
                livenessProbe: {exec: {command: [test, '!', -f, /state/dead]}, periodSeconds: 1, failureThreshold: 2}
                volumeMounts: [{name: state, mountPath: /state}]
              volumes: [{name: state, emptyDir: {}}]
            """);

        await WaitForPodAsync("probed", p => Phase(p) == "Running" && !Container(p).GetProperty("ready").GetBoolean());
        await InContainerAsync("probed", "app", "touch /state/ready");
        await WaitForPodAsync("probed", p => Container(p).GetProperty("ready").GetBoolean());
        await InContainerAsync("probed", "app", "rm /state/ready");
        await WaitForPodAsync("probed", p => !Container(p).GetProperty("ready").GetBoolean());

        // The emptyDir outlives the restart, so the marker is removed by the new container's first command.
        await InContainerAsync("probed", "app", "touch /state/dead");
        await WaitForPodAsync("probed", p => Container(p).GetProperty("restartCount").GetInt32() >= 1
            && Container(p).GetProperty("state").TryGetProperty("running", out _));
        await Docker.RunAsync("exec", _node, "sh", "-c", "rm -f /var/lib/kubelet/pods/*/volumes/kubernetes.io~empty-dir/state/dead");
        var describe = await KubectlOkAsync("describe", "pod", "probed");
        Assert.That(describe, Does.Contain("Liveness probe failed:").And.Contain("Container app failed liveness probe, will be restarted"));
    }

    [Test]
    public async Task Volumes_and_environment_hold_what_the_pod_asked_for()
    {
        await KubectlOkAsync("create", "configmap", "settings", "--from-literal=mode=blue");
        await KubectlOkAsync("create", "secret", "generic", "creds", "--from-literal=password=s3cret");
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: vols, labels: {tier: web}}
            spec:
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "exec sleep 3600"]
                env:
                - name: MODE
                  valueFrom: {configMapKeyRef: {name: settings, key: mode}}
                - name: POD_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
                - {name: GREETING, value: "$(POD_NAME) is $(MODE)"}
                volumeMounts:
                - {name: shared, mountPath: /shared}
                - {name: settings, mountPath: /settings}
                - {name: creds, mountPath: /creds}
                - {name: creds400, mountPath: /creds400}
                - {name: info, mountPath: /info}
              - name: writer
                image: {{{Image}}}
                command: [sh, -c, "echo from-writer > /shared/note; exec sleep 3600"]
                volumeMounts: [{name: shared, mountPath: /shared}]
              volumes:
              - {name: shared, emptyDir: {}}
              - {name: settings, configMap: {name: settings}}
              - {name: creds, secret: {secretName: creds}}
              - {name: creds400, secret: {secretName: creds, defaultMode: 0400}}
              - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
            """);
        await WaitForPodAsync("vols", p => Phase(p) == "Running" && AllReady(p));

        Assert.Multiple(async () =>
        {
            Assert.That(await InContainerAsync("vols", "app", "echo \"$GREETING\""), Is.EqualTo("vols is blue"));
            Assert.That(await InContainerAsync("vols", "app", "cat /shared/note"), Is.EqualTo("from-writer"));
            Assert.That(await InContainerAsync("vols", "app", "stat -L -c %a /creds/password /creds400/password"), Is.EqualTo("644\n400"));
            Assert.That(await InContainerAsync("vols", "app", "cat /creds/password"), Is.EqualTo("s3cret"));
            Assert.That(await InContainerAsync("vols", "app", "cat /info/labels"), Is.EqualTo("tier=\"web\""));
        });

        await KubectlOkAsync("patch", "configmap", "settings", "-p", """{"data":{"mode":"green"}}""");
        var watch = Stopwatch.StartNew();
        while (await InContainerAsync("vols", "app", "cat /settings/mode") != "green")
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)), "the ConfigMap update reaches the running container");
            await Task.Delay(1000);
        }

        static bool AllReady(JsonElement p) => p.GetProperty("status").GetProperty("containerStatuses").EnumerateArray().All(c => c.GetProperty("ready").GetBoolean());
    }

    [Test]
    public async Task A_memory_hog_over_its_limit_is_OOMKilled()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: hog}
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "x=0123456789abcdef; while true; do x=$x$x; done"]
                resources: {limits: {memory: 10Mi}}
            """);

        var pod = await WaitForPodAsync("hog", p => Phase(p) == "Failed");
        var terminated = Container(pod).GetProperty("state").GetProperty("terminated");
        Assert.Multiple(async () =>
        {
            Assert.That(terminated.GetProperty("reason").GetString(), Is.EqualTo("OOMKilled"));
            Assert.That(terminated.GetProperty("exitCode").GetInt32(), Is.EqualTo(137));
            Assert.That(await KubectlOkAsync("get", "pod", "hog", "--no-headers"), Does.Match(@"hog\s+0/1\s+OOMKilled"));
        });
    }

    [Test]
    public async Task Deletion_runs_preStop_before_SIGTERM_and_honours_the_grace_period()
    {
        // 'stubborn' ignores SIGTERM (sleep as PID 1), so only SIGKILL at the end of its 4 s grace stops it.
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: graceful}
            spec:
              terminationGracePeriodSeconds: 4
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "trap 'echo TERM >> /log/order; exit 0' TERM; while true; do sleep 0.2; done"]
                lifecycle:
                  preStop: {exec: {command: [sh, -c, "echo preStop >> /log/order"]}}
                volumeMounts: [{name: log, mountPath: /log}]
              - {name: stubborn, image: {{{Image}}}, command: [sleep, "3600"]}
              volumes: [{name: log, hostPath: {path: /tmp/graceful-order, type: DirectoryOrCreate}}]
            """);
        await WaitForPodAsync("graceful", p => Phase(p) == "Running");

        var watch = Stopwatch.StartNew();
        await KubectlOkAsync("delete", "pod", "graceful", "--timeout=60s");
        watch.Stop();
        var order = await Docker.RunAsync("exec", _node, "cat", "/tmp/graceful-order/order");
        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EqualTo("preStop\nTERM"));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4)), "the stubborn container gets its whole grace period");
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "and is then killed");
        });
    }

    [Test]
    public async Task A_killed_agent_adopts_the_running_containers_without_restarting_them()
    {
        await ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: survivor}
            spec:
              containers:
              - {name: app, image: {{{Image}}}, command: [sleep, "3600"]}
            """);
        var before = Container(await WaitForPodAsync("survivor", p => Phase(p) == "Running")).GetProperty("containerID").GetString();

        await Docker.RunAsync("exec", _node, "sh", "-c", "kill -9 $(cat /run/localkube/agent.pid)");
        var start = await _env.LocalKubeAsync("start", "-p", _node);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);

        var wait = await _env.KubectlAsync("wait", "--for=condition=Ready", "pod/survivor", "--timeout=60s");
        Assert.That(wait.ExitCode, Is.Zero, wait.StandardError);
        var after = Container(await PodAsync("survivor"));
        var running = await Docker.RunAsync("exec", _node, "docker", "ps", "-q", "--filter", "name=k8s_app_survivor_");
        Assert.Multiple(() =>
        {
            Assert.That(after.GetProperty("containerID").GetString(), Is.EqualTo(before));
            Assert.That(after.GetProperty("restartCount").GetInt32(), Is.Zero);
            Assert.That(running.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "no duplicate container");
        });
    }

    /// <summary>A one-layer image of the node's static busybox, built and loaded inside the node (no registry).</summary>
    private async Task LoadBusyboxImageAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Assets.Root, "images", "node", "image-archive.sh"));
        await Cli.Wrap("docker").WithArguments(["exec", "-i", _node, "sh", "-c", "cat > /tmp/image-archive.sh"])
            .WithStandardInputPipe(PipeSource.FromString(script)).ExecuteAsync();
        await Docker.RunAsync("exec", _node, "sh", "-c", $"""
            set -e
            root=/tmp/busybox-root; rm -rf $root; mkdir -p $root/bin $root/tmp $root/etc
            cp /bin/busybox $root/bin/busybox
            for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox $root/bin/$a; done
            echo 'root:x:0:0:root:/root:/bin/sh' > $root/etc/passwd
            chmod 1777 $root/tmp
            sh /tmp/image-archive.sh $root {Image} null 0:0 /tmp/busybox.tar
            docker load -i /tmp/busybox.tar
            """);
    }

    private async Task ApplyAsync(string yaml)
    {
        var path = Path.Combine(_env.Home, $"pods-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        await KubectlOkAsync("apply", "-f", path);
    }

    private async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await _env.KubectlAsync(args);
        Assert.That(result.ExitCode, Is.Zero, $"kubectl {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private async Task<JsonElement> PodAsync(string name) =>
        JsonDocument.Parse(await KubectlOkAsync("get", "pod", name, "-o", "json")).RootElement;

    private async Task<JsonElement> WaitForPodAsync(string name, Func<JsonElement, bool> done, int seconds = 90)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var pod = await PodAsync(name);
            if (pod.GetProperty("status").TryGetProperty("containerStatuses", out _) && done(pod))
            {
                return pod;
            }

            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(seconds)), $"pod {name} did not get there; last status: {pod.GetProperty("status")}");
            await Task.Delay(500);
        }
    }

    /// <summary>Runs <paramref name="command"/> in a container of a pod through the node's engine; returns its trimmed output.</summary>
    private async Task<string> InContainerAsync(string pod, string container, string command)
    {
        var id = Container(await PodAsync(pod), container).GetProperty("containerID").GetString()!["docker://".Length..];
        var result = await Cli.Wrap("docker").WithArguments(["exec", _node, "docker", "exec", id, "sh", "-c", command])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.Zero, $"{command} in {pod}/{container}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    private static string? Phase(JsonElement pod) => pod.GetProperty("status").GetProperty("phase").GetString();

    private static JsonElement Container(JsonElement pod, string? name = null) =>
        pod.GetProperty("status").GetProperty("containerStatuses").EnumerateArray().First(c => name is null || c.GetProperty("name").GetString() == name);

    private static JsonElement? Waiting(JsonElement pod) =>
        Container(pod).GetProperty("state").TryGetProperty("waiting", out var waiting) ? waiting : null;
}
