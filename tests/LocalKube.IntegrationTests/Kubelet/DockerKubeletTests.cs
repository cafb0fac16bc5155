using System.Diagnostics;
using System.Text.Json;
using LocalKube.Testing;
using static LocalKube.IntegrationTests.Kubelet.KubeletCluster;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// The kubelet's acceptance with real containers on the shared docker-driver cluster (<see cref="KubeletCluster"/>)
/// and the real kubectl.
/// What the containers did is read inside them through the node's engine (<c>docker exec</c> twice), so these tests
/// do not depend on the streaming endpoints.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
[Order(1)]
public sealed class DockerKubeletTests
{
    private const string Image = KubeletCluster.Image;
    private KubeletCluster _cluster = null!;
    private LocalKubeEnvironment _env = null!;
    private string _node = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await KubeletCluster.GetAsync();
        _env = _cluster.Env;
        _node = _cluster.Node;
    }

    [Test]
    public async Task Pods_run_in_the_node_engine_and_reach_Ready_with_upstream_status_and_events()
    {
        await _cluster.ApplyAsync($$$"""
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
        var pod = await _cluster.PodAsync("bound");
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
        Assert.That(await _cluster.InContainerAsync("bound", "app", "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace"), Is.EqualTo("default"));
        var describe = await _cluster.KubectlOkAsync("describe", "pod", "bound");
        Assert.That(describe, Does.Contain($"Container image \"{Image}\" already present on machine")
            .And.Contain("Created container: app").And.Contain("Started container app"));
    }

    [Test]
    public async Task Exits_follow_the_restart_policy_with_CrashLoopBackOff_and_termination_messages()
    {
        await _cluster.ApplyAsync($$$"""
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

        var crash = await _cluster.WaitForPodAsync("crash", p => Container(p).GetProperty("restartCount").GetInt32() >= 2
            && Waiting(p)?.GetProperty("reason").GetString() == "CrashLoopBackOff");
        var failed = await _cluster.WaitForPodAsync("failed", p => Phase(p) == "Failed");
        await _cluster.WaitForPodAsync("done", p => Phase(p) == "Succeeded");
        var onFailure = await _cluster.WaitForPodAsync("onfailure", p => Phase(p) == "Succeeded");
        // crash's STATUS moves between Error, Running and CrashLoopBackOff; its waiting reason is checked above.
        var table = await _cluster.KubectlOkAsync("get", "pods", "done", "failed", "--no-headers");
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
        await _cluster.ApplyAsync($$$"""
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

        await _cluster.WaitForPodAsync("inits", p => Phase(p) == "Running");
        var bad = await _cluster.WaitForPodAsync("badinit", p => Phase(p) == "Failed");
        Assert.Multiple(async () =>
        {
            Assert.That(await _cluster.InContainerAsync("inits", "app", "cat /work/order"), Is.EqualTo("first\nsecond\napp"));
            Assert.That(Container(bad).GetProperty("state").TryGetProperty("terminated", out _), Is.False, "the app never started");
            Assert.That(await _cluster.KubectlOkAsync("get", "pod", "badinit", "--no-headers"), Does.Match(@"badinit\s+0/1\s+Init:Error"));
        });
    }

    [Test]
    public async Task Probes_restart_on_liveness_failure_and_flip_readiness_both_ways()
    {
        await _cluster.ApplyAsync($$$"""
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

        await _cluster.WaitForPodAsync("probed", p => Phase(p) == "Running" && !Container(p).GetProperty("ready").GetBoolean());
        await _cluster.InContainerAsync("probed", "app", "touch /state/ready");
        await _cluster.WaitForPodAsync("probed", p => Container(p).GetProperty("ready").GetBoolean());
        await _cluster.InContainerAsync("probed", "app", "rm /state/ready");
        await _cluster.WaitForPodAsync("probed", p => !Container(p).GetProperty("ready").GetBoolean());

        // The emptyDir outlives the restart, so the marker is removed by the new container's first command.
        await _cluster.InContainerAsync("probed", "app", "touch /state/dead");
        await _cluster.WaitForPodAsync("probed", p => Container(p).GetProperty("restartCount").GetInt32() >= 1
            && Container(p).GetProperty("state").TryGetProperty("running", out _));
        await Docker.RunAsync("exec", _node, "sh", "-c", "rm -f /var/lib/kubelet/pods/*/volumes/kubernetes.io~empty-dir/state/dead");
        var describe = await _cluster.KubectlOkAsync("describe", "pod", "probed");
        Assert.That(describe, Does.Contain("Liveness probe failed:").And.Contain("Container app failed liveness probe, will be restarted"));
    }

    [Test]
    public async Task Volumes_and_environment_hold_what_the_pod_asked_for()
    {
        await _cluster.KubectlOkAsync("create", "configmap", "settings", "--from-literal=mode=blue");
        await _cluster.KubectlOkAsync("create", "secret", "generic", "creds", "--from-literal=password=s3cret");
        await _cluster.ApplyAsync($$$"""
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
        await _cluster.WaitForPodAsync("vols", p => Phase(p) == "Running" && AllReady(p));

        Assert.Multiple(async () =>
        {
            Assert.That(await _cluster.InContainerAsync("vols", "app", "echo \"$GREETING\""), Is.EqualTo("vols is blue"));
            Assert.That(await _cluster.InContainerAsync("vols", "app", "cat /shared/note"), Is.EqualTo("from-writer"));
            Assert.That(await _cluster.InContainerAsync("vols", "app", "stat -L -c %a /creds/password /creds400/password"), Is.EqualTo("644\n400"));
            Assert.That(await _cluster.InContainerAsync("vols", "app", "cat /creds/password"), Is.EqualTo("s3cret"));
            Assert.That(await _cluster.InContainerAsync("vols", "app", "cat /info/labels"), Is.EqualTo("tier=\"web\""));
        });

        await _cluster.KubectlOkAsync("patch", "configmap", "settings", "-p", """{"data":{"mode":"green"}}""");
        var watch = Stopwatch.StartNew();
        while (await _cluster.InContainerAsync("vols", "app", "cat /settings/mode") != "green")
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(90)), "the ConfigMap update reaches the running container");
            await Task.Delay(1000);
        }
    }

    [Test]
    public async Task A_memory_hog_over_its_limit_is_OOMKilled()
    {
        await _cluster.ApplyAsync($$$"""
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

        var pod = await _cluster.WaitForPodAsync("hog", p => Phase(p) == "Failed");
        var terminated = Container(pod).GetProperty("state").GetProperty("terminated");
        Assert.Multiple(async () =>
        {
            Assert.That(terminated.GetProperty("reason").GetString(), Is.EqualTo("OOMKilled"));
            Assert.That(terminated.GetProperty("exitCode").GetInt32(), Is.EqualTo(137));
            Assert.That(await _cluster.KubectlOkAsync("get", "pod", "hog", "--no-headers"), Does.Match(@"hog\s+0/1\s+OOMKilled"));
        });
    }

    [Test]
    public async Task Deletion_runs_preStop_before_SIGTERM_and_honours_the_grace_period()
    {
        // 'stubborn' ignores SIGTERM (sleep as PID 1), so only SIGKILL at the end of its 4 s grace stops it.
        await _cluster.ApplyAsync($$$"""
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
        await _cluster.WaitForPodAsync("graceful", p => Phase(p) == "Running");

        var watch = Stopwatch.StartNew();
        await _cluster.KubectlOkAsync("delete", "pod", "graceful", "--timeout=60s");
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
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: survivor}
            spec:
              containers:
              - {name: app, image: {{{Image}}}, command: [sleep, "3600"]}
            """);
        var before = Container(await _cluster.WaitForPodAsync("survivor", p => Phase(p) == "Running")).GetProperty("containerID").GetString();

        await Docker.RunAsync("exec", _node, "sh", "-c", "kill -9 $(cat /run/localkube/agent.pid)");
        var start = await _env.LocalKubeAsync("start", "-p", _node);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);

        var wait = await _env.KubectlAsync("wait", "--for=condition=Ready", "pod/survivor", "--timeout=60s");
        Assert.That(wait.ExitCode, Is.Zero, wait.StandardError);
        var after = Container(await _cluster.PodAsync("survivor"));
        var running = await Docker.RunAsync("exec", _node, "docker", "ps", "-q", "--filter", "name=k8s_app_survivor_");
        Assert.Multiple(() =>
        {
            Assert.That(after.GetProperty("containerID").GetString(), Is.EqualTo(before));
            Assert.That(after.GetProperty("restartCount").GetInt32(), Is.Zero);
            Assert.That(running.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "no duplicate container");
        });
    }
}
