using CliWrap;
using CliWrap.Buffered;

namespace LocalKube.IntegrationTests;

/// <summary>
/// A docker-driver cluster for the networking tests, with locally built stand-in images (no registry): a busybox
/// web server that answers its pod name on :8080 (readiness at /ready) and serves as the client too. The images
/// are made from the node's own busybox and loaded into the node's engine here, in one place, so that switching to
/// <c>localkube image load</c> later touches only <see cref="BuildImagesAsync"/>.
/// </summary>
public sealed class NetworkCluster : IAsyncDisposable
{
    /// <summary>The stand-in web image.</summary>
    public const string WebImage = "localkube-test/web:1";

    private NetworkCluster(LocalKubeEnvironment env, string profile)
    {
        Env = env;
        Profile = profile;
    }

    public LocalKubeEnvironment Env { get; }

    public string Profile { get; }

    public static async Task<NetworkCluster> StartAsync(string prefix)
    {
        var env = new LocalKubeEnvironment();
        var profile = env.Profile(prefix);
        var cluster = new NetworkCluster(env, profile);
        var start = await env.LocalKubeAsync("start", "--driver", "docker", "-p", profile);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
        await cluster.BuildImagesAsync();
        return cluster;
    }

    /// <summary>Builds the stand-in images inside the node (its busybox, <c>docker import</c>).</summary>
    public async Task BuildImagesAsync()
    {
        const string script = """
            set -e
            root=$(mktemp -d)
            mkdir -p "$root/bin" "$root/www" "$root/tmp" "$root/etc"
            cp /bin/busybox "$root/bin/busybox"
            for a in sh httpd wget nslookup nc sleep seq hostname cat rm echo mkdir ls sed grep; do ln -s busybox "$root/bin/$a"; done
            cat >"$root/app.sh" <<'APP'
            #!/bin/sh
            # Answers its own pod name; /ready exists until a test removes it (readiness).
            mkdir -p /www
            echo "${POD_NAME:-$(hostname)}" >/www/index.html
            echo ok >/www/ready
            exec httpd -f -p "${PORT:-8080}" -h /www
            APP
            chmod 0755 "$root/app.sh"
            tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/bin/sh","/app.sh"]' -c 'ENV PATH=/bin' - "$1" >/dev/null
            rm -rf "$root"
            """;
        await NodeShellAsync(script, WebImage);
    }

    /// <summary>
    /// Builds the seed workshop's stand-in images in the node (<c>workshop/images/build.sh</c>: the node's busybox,
    /// openssl and tini, <c>docker import</c>).
    /// </summary>
    public async Task BuildWorkshopImagesAsync()
    {
        await Docker.RunAsync("cp", Path.Combine(Workshop.Root, "images"), $"{Profile}:/var/tmp/workshop-images");
        await NodeShellAsync("sh /var/tmp/workshop-images/build.sh && rm -rf /var/tmp/workshop-images");
    }

    /// <summary>Runs a shell script in the node container.</summary>
    public Task<string> NodeShellAsync(string script, params string[] args) =>
        Docker.RunAsync(["exec", Profile, "sh", "-c", script, "sh", .. args]);

    /// <summary>Runs a command in a pod's container through the node's engine.</summary>
    public async Task<BufferedCommandResult> PodExecAsync(string pod, string container, params string[] command)
    {
        var id = await Docker.RunAsync("exec", Profile, "docker", "ps", "-q",
            "--filter", $"label=io.kubernetes.pod.name={pod}", "--filter", $"label=io.kubernetes.container.name={container}");
        Assert.That(id, Is.Not.Empty, $"no running container {container} of pod {pod}");
        return await Cli.Wrap("docker").WithArguments(["exec", Profile, "docker", "exec", id.Split('\n')[0], .. command])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }

    /// <summary>kubectl apply of <paramref name="yaml"/>.</summary>
    public async Task ApplyAsync(string yaml)
    {
        var file = Path.Combine(Env.Home, $"m-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var apply = await Env.KubectlAsync("apply", "-f", file);
        Assert.That(apply.ExitCode, Is.Zero, apply.StandardError);
    }

    /// <summary>Waits for <c>kubectl wait</c>'s condition.</summary>
    public async Task WaitAsync(params string[] args)
    {
        var wait = await Env.KubectlAsync(["wait", "--timeout=120s", .. args]);
        if (wait.ExitCode != 0)
        {
            var pods = await Env.KubectlAsync("get", "pods", "-A", "-o", "wide");
            Assert.Fail($"kubectl wait {string.Join(' ', args)}: {wait.StandardError}\n{pods.StandardOutput}");
        }
    }

    /// <summary>The names of the pods matching <paramref name="selector"/>.</summary>
    public async Task<string[]> PodsAsync(string selector)
    {
        var result = await Env.KubectlAsync("get", "pods", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}");
        return result.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public ValueTask DisposeAsync() => Env.DisposeAsync();
}
