using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LocalKube.Testing;
using static LocalKube.IntegrationTests.Kubelet.KubeletCluster;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// Issue 10's faults that need real containers, on the shared <see cref="KubeletCluster"/>: a pod of 100 containers
/// starts while the kubelet keeps serving other pods, and a container writing 1 GiB of logs leaves the node holding
/// five rotated files of 10 MiB. Each test deletes its pods, so <see cref="DockerResumeTests"/> (after this fixture)
/// does not restart them. Not <c>RequiresDocker</c>: without Docker these fail, on a developer machine too.
/// </summary>
[TestFixture]
[Category("E2E")]
[Category("Docker")]
[Order(4)]
public sealed class DockerFaultLoadTests
{
    private const long MiB = 1024 * 1024;
    private KubeletCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task GetCluster()
    {
        DockerAvailability.Require();
        _cluster = await KubeletCluster.GetAsync();
    }

    [Test]
    public async Task A_pod_of_100_containers_runs_and_the_kubelet_keeps_serving_other_pods()
    {
        var yaml = new StringBuilder("""
            apiVersion: v1
            kind: Pod
            metadata: {name: f-hundred}
            spec:
              terminationGracePeriodSeconds: 1
              containers:

            """);
        for (var i = 0; i < 100; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{name: c{i}, image: {Image}, command: [sh, -c, \"trap 'exit 0' TERM; sleep 3600 & wait\"]}}\n");
        }

        var watch = Stopwatch.StartNew();
        await _cluster.ApplyAsync(yaml.ToString());
        // A pod created after the big one gets its own worker: it must not wait behind 100 container starts.
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: f-small}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: app, image: {{{Image}}}, command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]}
            """);
        await _cluster.WaitForPodAsync("f-small", AllReady, seconds: 120);
        var smallReady = watch.Elapsed;
        var hundredDone = await CountReadyAsync("f-hundred");
        Assert.That(await _cluster.KubectlOkAsync("get", "--raw", $"/api/v1/nodes/{_cluster.Node}/proxy/healthz"), Is.EqualTo("ok"),
            "the kubelet API answers while the big pod starts");

        var pod = await _cluster.WaitForPodAsync("f-hundred", p => AllReady(p) && p.GetProperty("status").GetProperty("containerStatuses").GetArrayLength() == 100, seconds: 400);
        TestContext.Progress.WriteLine($"f-small Ready after {smallReady.TotalSeconds:0.0}s (f-hundred had {hundredDone} ready then); f-hundred Ready after {watch.Elapsed.TotalSeconds:0.0}s");
        var statuses = pod.GetProperty("status").GetProperty("containerStatuses").EnumerateArray().ToList();
        var running = await _cluster.NodeShellAsync("docker ps -q --filter label=io.kubernetes.pod.name=f-hundred | wc -l");
        var nodeReady = await NodeConditionAsync("Ready");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Select(c => c.GetProperty("name").GetString()), Is.EquivalentTo(Enumerable.Range(0, 100).Select(i => $"c{i}")));
            Assert.That(statuses.Select(c => c.GetProperty("containerID").GetString()).Distinct().Count(), Is.EqualTo(100));
            Assert.That(statuses.Select(c => c.GetProperty("restartCount").GetInt32()), Is.All.Zero, "no container was started twice");
            Assert.That(running, Is.EqualTo("101"), "100 containers and the sandbox in the node's engine");
            Assert.That(nodeReady, Is.EqualTo("True"));
        });

        await _cluster.KubectlOkAsync("delete", "pod", "f-hundred", "f-small", "--timeout=180s");
        Assert.That(await _cluster.NodeShellAsync("docker ps -q --filter label=io.kubernetes.pod.name=f-hundred | wc -l"), Is.EqualTo("0"),
            "every container of the deleted pod is stopped");
    }

    [Test]
    public async Task A_container_writing_1_GiB_of_logs_leaves_five_files_of_10_MiB()
    {
        // 1 GiB of 1000-byte lines, then a marker that ends the last (cut) line.
        await _cluster.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: f-flood}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: {{{Image}}}
                command: [sh, -c, "x=$(head -c 999 /dev/zero | tr '\\0' x); yes $x | head -c 1073741824; echo done-writing; trap 'exit 0' TERM; sleep 3600 & wait"]
            """);
        var pod = await _cluster.WaitForPodAsync("f-flood", p => Phase(p) == "Running");
        var watch = Stopwatch.StartNew();
        while (!(await _cluster.KubectlOkAsync("logs", "f-flood", "--tail=1")).EndsWith("done-writing\n", StringComparison.Ordinal))
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(400)), "the container wrote its 1 GiB");
            await Task.Delay(2000);
        }

        TestContext.Progress.WriteLine($"1 GiB of logs written in {watch.Elapsed.TotalSeconds:0.0}s");
        var listing = await _cluster.NodeShellAsync($$$"""
            log=$(docker inspect -f '{{.LogPath}}' {{{ContainerId(pod)}}})
            for f in "$log"*; do echo "$(stat -c %s "$f") $f"; done
            echo "du $(du -sk "$(dirname "$log")" | cut -f1)"
            """);
        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sizes = lines.Where(l => !l.StartsWith("du ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[..l.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToList();
        var keptKiB = long.Parse(lines.Single(l => l.StartsWith("du ", StringComparison.Ordinal))[3..], CultureInfo.InvariantCulture);
        var diskPressure = await NodeConditionAsync("DiskPressure");
        var tail = await _cluster.KubectlOkAsync("logs", "f-flood", "--tail=2");
        Assert.Multiple(() =>
        {
            Assert.That(sizes, Has.Count.EqualTo(5), listing);
            // The engine rotates after the write that crosses the size, so a file may hold one entry more.
            Assert.That(sizes, Is.All.LessThanOrEqualTo(10 * MiB + 4096), listing);
            Assert.That(sizes.Sum(), Is.GreaterThan(40 * MiB), "four full files and the current one");
            Assert.That(keptKiB * 1024, Is.LessThan(52 * MiB), "what the node keeps of the container, logs included: " + listing);
            Assert.That(diskPressure, Is.EqualTo("False"));
            Assert.That(tail, Does.EndWith("done-writing\n"), "the newest lines are served");
        });

        await _cluster.KubectlOkAsync("delete", "pod", "f-flood", "--timeout=120s");
    }

    private async Task<int> CountReadyAsync(string name)
    {
        var pod = await _cluster.PodAsync(name);
        return pod.GetProperty("status").TryGetProperty("containerStatuses", out var statuses)
            ? statuses.EnumerateArray().Count(c => c.GetProperty("ready").GetBoolean())
            : 0;
    }

    private async Task<string> NodeConditionAsync(string type)
    {
        var node = JsonDocument.Parse(await _cluster.KubectlOkAsync("get", "node", _cluster.Node, "-o", "json")).RootElement;
        return node.GetProperty("status").GetProperty("conditions").EnumerateArray()
            .Single(c => c.GetProperty("type").GetString() == type).GetProperty("status").GetString()!;
    }
}
