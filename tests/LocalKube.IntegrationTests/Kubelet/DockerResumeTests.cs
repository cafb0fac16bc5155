using System.Diagnostics;
using System.Text.Json;
using LocalKube.Testing;
using static LocalKube.IntegrationTests.Kubelet.KubeletCluster;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// Issue 10's acceptance left after <see cref="DockerKubeletTests"/>, on the shared <see cref="KubeletCluster"/>:
/// offline pulls with <c>imagePullPolicy: Always</c>, and <c>localkube stop</c> then <c>start</c> with every pod back
/// and Ready (log rotation is in <see cref="DockerFaultLoadTests"/>). Runs last: it restarts the cluster.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
[Order(5)]
public sealed class DockerResumeTests
{
    private KubeletCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task GetCluster() => _cluster = await KubeletCluster.GetAsync();

    [Test, Order(1)]
    public async Task Always_pulls_offline_give_ErrImagePull_then_ImagePullBackOff()
    {
        // Watch from before the pod exists: ErrImagePull lasts only until the next sync finds the pull backing off.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var watch = new StreamedProcess(_cluster.Env.StartPinnedKubectl(null, "get", "pods", "--field-selector", "metadata.name=r-always", "-w", "-v=6",
            "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}{\"\\n\"}"));
        await watch.ReadErrorUntilAsync(l => l.Contains("watch=true", StringComparison.Ordinal) && l.Contains("200 OK", StringComparison.Ordinal), timeout.Token);

        // The image is in the node, but Always asks the registry, and there is none to ask.
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: r-always}
            spec:
              containers:
              - {name: app, image: {{{Image}}}, imagePullPolicy: Always, command: [sleep, "3600"]}
            """);

        var seen = new List<(string Reason, string Message)>();
        while (!seen.Any(s => s.Reason == "ImagePullBackOff"))
        {
            var line = await watch.ReadOutputUntilAsync(l => l.Contains('|', StringComparison.Ordinal), timeout.Token);
            var reason = line[..line.IndexOf('|', StringComparison.Ordinal)];
            if (reason.Length > 0 && (seen.Count == 0 || seen[^1].Reason != reason))
            {
                seen.Add((reason, line[(reason.Length + 1)..]));
            }
        }

        TestContext.Progress.WriteLine("waiting reasons: " + string.Join(" -> ", seen.Select(s => s.Reason)));
        var pulled = seen.First(s => s.Reason == "ErrImagePull");
        var events = JsonDocument.Parse(await _cluster.KubectlOkAsync("get", "events", "--field-selector", "involvedObject.name=r-always", "-o", "json"))
            .RootElement.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("reason").GetString()}: {e.GetProperty("message").GetString()}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(seen.FindIndex(s => s.Reason == "ErrImagePull"), Is.LessThan(seen.FindIndex(s => s.Reason == "ImagePullBackOff")), "ErrImagePull comes first");
            Assert.That(pulled.Message, Does.Contain("localkube.test"), "the registry's error names the registry");
            Assert.That(seen.First(s => s.Reason == "ImagePullBackOff").Message, Is.EqualTo($"Back-off pulling image \"{Image}\""));
            Assert.That(events, Does.Contain($"Pulling: Pulling image \"{Image}\"")
                .And.Contain($"Failed: Failed to pull image \"{Image}\": {pulled.Message}")
                .And.Contain("Failed: Error: ErrImagePull")
                .And.Contain($"BackOff: Back-off pulling image \"{Image}\"")
                .And.Contain("Failed: Error: ImagePullBackOff"));
        });
        Assert.That(await _cluster.KubectlOkAsync("get", "pod", "r-always", "--no-headers"), Does.Match(@"r-always\s+0/1\s+(ImagePullBackOff|ErrImagePull)\s"));
    }

    [Test, Order(2)]
    public async Task Stop_and_start_bring_every_pod_back_Ready_as_the_same_objects()
    {
        await _cluster.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: r-resume}
            spec:
              replicas: 2
              selector: {matchLabels: {app: r-resume}}
              template:
                metadata: {labels: {app: r-resume}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{{Image}}}
                    command: [sh, -c, "mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www"]
                    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
            """);
        await _cluster.KubectlOkAsync("rollout", "status", "deployment/r-resume", "--timeout=90s");

        var before = await ReadyPodsAsync();
        Assert.That(before.Keys.Count(k => k.StartsWith("default/r-resume-", StringComparison.Ordinal)), Is.EqualTo(2));

        var stop = await _cluster.Env.LocalKubeAsync("stop", "-p", _cluster.Node);
        Assert.That(stop.ExitCode, Is.Zero, stop.StandardOutput + stop.StandardError);
        var start = await _cluster.Env.LocalKubeAsync("start", "-p", _cluster.Node);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);

        var watch = Stopwatch.StartNew();
        Dictionary<string, ReadyPod> after = [];
        while (!before.Keys.All(after.ContainsKey))
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(180)),
                $"not Ready again after start: {string.Join(", ", before.Keys.Except(after.Keys))}\n{(await _cluster.Env.KubectlAsync("get", "pods", "-A")).StandardOutput}");
            await Task.Delay(1000);
            after = await ReadyPodsAsync();
        }

        TestContext.Progress.WriteLine($"{before.Count} pods Ready again {watch.Elapsed.TotalSeconds:0.0}s after start returned\n"
            + (await _cluster.Env.KubectlAsync("get", "pods", "-A")).StandardOutput);
        Assert.Multiple(() =>
        {
            foreach (var (key, old) in before)
            {
                var now = after[key];
                Assert.That(now.Uid, Is.EqualTo(old.Uid), $"{key} is the same Pod object");
                foreach (var (container, id) in old.ContainerIds)
                {
                    Assert.That(now.ContainerIds[container], Is.Not.EqualTo(id), $"{key}/{container} runs a new attempt");
                    Assert.That(now.RestartCounts[container], Is.EqualTo(old.RestartCounts[container] + 1), $"{key}/{container} counts the restart");
                }
            }
        });
    }

    /// <summary>Every restartable pod whose Ready condition is True, by namespace/name.</summary>
    private async Task<Dictionary<string, ReadyPod>> ReadyPodsAsync()
    {
        var list = JsonDocument.Parse(await _cluster.KubectlOkAsync("get", "pods", "-A", "-o", "json")).RootElement;
        var ready = new Dictionary<string, ReadyPod>();
        foreach (var pod in list.GetProperty("items").EnumerateArray())
        {
            var status = pod.GetProperty("status");
            var isReady = status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
            // A restartPolicy: Never pod whose containers ran is not started again in a new sandbox (upstream's
            // computePodActions); it ends with its containers' exit, so it is no part of "every pod comes back".
            var never = pod.GetProperty("spec").TryGetProperty("restartPolicy", out var policy) && policy.GetString() == "Never";
            if (!isReady || never || pod.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
            {
                continue;
            }

            var meta = pod.GetProperty("metadata");
            var containers = status.GetProperty("containerStatuses").EnumerateArray().ToList();
            ready[$"{meta.GetProperty("namespace").GetString()}/{meta.GetProperty("name").GetString()}"] = new ReadyPod(
                meta.GetProperty("uid").GetString()!,
                containers.ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("containerID").GetString()!),
                containers.ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("restartCount").GetInt32()));
        }

        return ready;
    }

    private sealed record ReadyPod(string Uid, Dictionary<string, string> ContainerIds, Dictionary<string, int> RestartCounts);
}
