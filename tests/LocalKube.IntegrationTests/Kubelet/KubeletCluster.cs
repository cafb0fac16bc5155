using System.Diagnostics;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// One <c>localkube start --driver docker</c> cluster shared by every fixture of this namespace (kubelet, streaming,
/// resume), so CI pays for one node start: a busybox image built from the node's own busybox is loaded into the
/// node's engine (no registry), and the real kubectl talks to it. Started by the first fixture that asks, deleted by
/// <see cref="KubeletClusterTeardown"/> after the namespace's last fixture. A failed start is remembered, so the
/// other fixtures fail at once with its reason instead of starting again.
/// </summary>
public sealed class KubeletCluster
{
    /// <summary>The busybox image every pod of these fixtures runs (all applets, including tar for kubectl cp).</summary>
    public const string Image = "localkube.test/busybox:1";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static KubeletCluster? _current;
    private static string? _failure;

    private KubeletCluster(LocalKubeEnvironment env, string node)
    {
        Env = env;
        Node = node;
    }

    public LocalKubeEnvironment Env { get; }

    /// <summary>The profile, which is also the node container's and the Node object's name.</summary>
    public string Node { get; }

    /// <summary>The running cluster, started on first use.</summary>
    public static async Task<KubeletCluster> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_failure is not null)
            {
                Assert.Fail("the shared docker cluster did not start: " + _failure);
            }

            if (_current is not null)
            {
                return _current;
            }

            var env = new LocalKubeEnvironment();
            var cluster = new KubeletCluster(env, env.Profile("kubelet"));
            var watch = Stopwatch.StartNew();
            var start = await env.LocalKubeAsync("start", "--driver", "docker", "-p", cluster.Node);
            if (start.ExitCode != 0)
            {
                _failure = start.StandardOutput + start.StandardError;
                await env.DisposeAsync();
                Assert.Fail("the shared docker cluster did not start: " + _failure);
            }

            await cluster.LoadBusyboxImageAsync();
            TestContext.Progress.WriteLine($"shared docker cluster {cluster.Node} ready in {watch.Elapsed.TotalSeconds:0.0}s");
            return _current = cluster;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Deletes the cluster if a fixture started it.</summary>
    internal static async Task DisposeCurrentAsync()
    {
        if (_current is { } cluster)
        {
            _current = null;
            await cluster.Env.DisposeAsync();
        }
    }

    public async Task ApplyAsync(string yaml)
    {
        var path = Path.Combine(Env.Home, $"pods-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        await KubectlOkAsync("apply", "-f", path);
    }

    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await Env.KubectlAsync(args);
        Assert.That(result.ExitCode, Is.Zero, $"kubectl {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    public async Task<JsonElement> PodAsync(string name, string ns = "default") =>
        JsonDocument.Parse(await KubectlOkAsync("get", "pod", name, "-n", ns, "-o", "json")).RootElement;

    public async Task<JsonElement> WaitForPodAsync(string name, Func<JsonElement, bool> done, int seconds = 90, string ns = "default")
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var pod = await PodAsync(name, ns);
            if (pod.GetProperty("status").TryGetProperty("containerStatuses", out _) && done(pod))
            {
                return pod;
            }

            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(seconds)), $"pod {name} did not get there; last status: {pod.GetProperty("status")}");
            await Task.Delay(500);
        }
    }

    /// <summary>Runs <paramref name="command"/> in a container of a pod through the node's engine; returns its trimmed output.</summary>
    public async Task<string> InContainerAsync(string pod, string container, string command, string ns = "default")
    {
        var id = ContainerId(await PodAsync(pod, ns), container);
        var result = await Cli.Wrap("docker").WithArguments(["exec", Node, "docker", "exec", id, "sh", "-c", command])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.Zero, $"{command} in {pod}/{container}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>Runs a shell script in the node container; returns its trimmed output.</summary>
    public Task<string> NodeShellAsync(string script) => Docker.RunAsync("exec", Node, "sh", "-c", script);

    /// <summary>The docker container ID (without <c>docker://</c>) of a container of the pod.</summary>
    public static string ContainerId(JsonElement pod, string? container = null) =>
        Container(pod, container).GetProperty("containerID").GetString()!["docker://".Length..];

    public static string? Phase(JsonElement pod) => pod.GetProperty("status").GetProperty("phase").GetString();

    public static JsonElement Container(JsonElement pod, string? name = null) =>
        pod.GetProperty("status").GetProperty("containerStatuses").EnumerateArray().First(c => name is null || c.GetProperty("name").GetString() == name);

    public static JsonElement? Waiting(JsonElement pod, string? name = null) =>
        Container(pod, name).GetProperty("state").TryGetProperty("waiting", out var waiting) ? waiting : null;

    public static bool AllReady(JsonElement pod) =>
        pod.GetProperty("status").GetProperty("containerStatuses").EnumerateArray().All(c => c.GetProperty("ready").GetBoolean());

    /// <summary>A one-layer image of the node's static busybox, built and loaded inside the node (no registry).</summary>
    private async Task LoadBusyboxImageAsync()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Assets.Root, "images", "node", "image-archive.sh"));
        await Cli.Wrap("docker").WithArguments(["exec", "-i", Node, "sh", "-c", "cat > /tmp/image-archive.sh"])
            .WithStandardInputPipe(PipeSource.FromString(script)).ExecuteAsync();
        await NodeShellAsync($"""
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
}
