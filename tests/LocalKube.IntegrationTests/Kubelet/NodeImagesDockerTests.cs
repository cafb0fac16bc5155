using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>
/// <c>image load|ls|rm|build</c> and <c>ssh</c> against the shared docker-driver cluster (<see cref="KubeletCluster"/>;
/// its pods then live through <see cref="DockerResumeTests"/>' stop and start) with the real kubectl: an image made
/// from files (no registry) is loaded from an archive, from stdin and from the host's Docker, and pods run it with
/// <c>imagePullPolicy: IfNotPresent</c>; an image built in the node runs too; <c>ssh</c> passes exit codes and stdin.
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresDocker]
[NonParallelizable]
[Order(4)]
public sealed class NodeImagesDockerTests
{
    private const string Image = "localkube-e2e/hello:1";
    private LocalKubeEnvironment _env = null!;
    private string _profile = null!;
    private TempDirectory _files = null!;
    private string _archive = null!;
    private string? _hostTag;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        var cluster = await KubeletCluster.GetAsync();
        _env = cluster.Env;
        _profile = cluster.Node;
        _files = new TempDirectory("lkimg");

        // A one-layer image from files only: the node's static busybox, as images/node/image-archive.sh writes images.
        var rootfs = Directory.CreateDirectory(_files.Combine("rootfs", "bin")).Parent!.FullName;
        await Docker.RunAsync("cp", $"{_profile}:/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        _archive = _files.Combine("hello.tar");
        var script = Path.Combine(Assets.Root, "images", "node", "image-archive.sh");
        var made = await Cli.Wrap("sh").WithArguments([script, rootfs, Image,
                "[\"/bin/busybox\",\"sh\",\"-c\",\"echo hello-from-$(cat /etc/flavour 2>/dev/null || echo archive); exec /bin/busybox sleep 3600\"]", "0:0", _archive])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        Assert.That(made.ExitCode, Is.Zero, "image-archive.sh");
    }

    [OneTimeTearDown]
    public async Task RemoveHostImages()
    {
        if (_hostTag is not null)
        {
            // The host's copies this fixture made ('docker load' of the archive tags Image there too).
            await Cli.Wrap("docker").WithArguments(["rmi", "--force", _hostTag, Image]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        }

        _files.Dispose();
    }

    [Test, Order(1)]
    public async Task LoadArchive_ThenAPodRunsIt_AndLsShowsIt()
    {
        var load = await _env.LocalKubeAsync("image", "load", _archive, "-p", _profile);
        Assert.That(load.ExitCode, Is.Zero, load.StandardError);
        Assert.That(load.StandardOutput, Does.Contain($"Loaded image: {Image}"));

        await RunPodAsync("hello", Image, "hello-from-archive");

        var ls = await _env.LocalKubeAsync("image", "ls", "-p", _profile);
        Assert.That(ls.StandardOutput.Split('\n'), Does.Contain($"docker.io/{Image}").And.Contain("registry.k8s.io/pause:3.10"));
        var table = await _env.LocalKubeAsync("image", "ls", "--format", "table", "-p", _profile);
        Assert.That(table.StandardOutput, Does.Match(@"\| docker\.io/localkube-e2e/hello\s+\| 1\s+\| [0-9a-f]{13} \|"));
    }

    [Test, Order(2)]
    public async Task LoadFromTheHostsDocker_IsStreamed_AndSkippedWhenTheNodeHasIt()
    {
        _hostTag = $"localkube-e2e/host-{Guid.NewGuid().ToString("N")[..6]}:1";
        await Docker.RunAsync("load", "--input", _archive);
        await Docker.RunAsync("tag", Image, _hostTag);

        var load = await _env.LocalKubeAsync("image", "load", _hostTag, "-p", _profile);
        Assert.That(load.ExitCode, Is.Zero, load.StandardError);
        Assert.That(load.StandardOutput, Does.Contain($"Loaded image: {_hostTag}"));

        var again = Stopwatch.StartNew();
        var second = await _env.LocalKubeAsync("image", "load", _hostTag, "-p", _profile);
        Assert.That(second.ExitCode, Is.Zero, second.StandardError);
        Assert.That(second.StandardError, Does.Contain("the node already has this image"));
        TestContext.Progress.WriteLine($"second load of the same image: {again.ElapsedMilliseconds} ms");

        var missing = await _env.LocalKubeAsync("image", "load", "localkube-e2e/not-there:0", "-p", _profile);
        Assert.That(missing.ExitCode, Is.EqualTo(80));
        Assert.That(missing.StandardError, Does.Contain("LK_GUEST_IMAGE_LOAD"));
    }

    [Test, Order(3)]
    public async Task LoadFromStdin_CorruptArchive_FailsAndTagsNothing()
    {
        var corrupt = await _env.LocalKubeAsync(["image", "load", "-", "-p", _profile],
            PipeSource.FromString("this is not a tar archive"), CancellationToken.None);
        Assert.That(corrupt.ExitCode, Is.EqualTo(80));
        Assert.That(corrupt.StandardError, Does.Contain("LK_GUEST_IMAGE_LOAD"));

        await _env.LocalKubeAsync("image", "rm", Image, "-p", _profile);
        await using var file = File.OpenRead(_archive);
        var piped = await _env.LocalKubeAsync(["image", "load", "-", "-p", _profile], PipeSource.FromStream(file), CancellationToken.None);
        Assert.That(piped.ExitCode, Is.Zero, piped.StandardError);
        Assert.That(piped.StandardOutput, Does.Contain($"Loaded image: {Image}"));
    }

    [Test, Order(4)]
    public async Task Build_InTheNode_ThenAPodRunsIt()
    {
        var context = Directory.CreateDirectory(_files.Combine("ctx")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "flavour"), "built\n");
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {Image}\nCOPY flavour /etc/flavour\n");

        var build = await _env.LocalKubeAsync("image", "build", "-t", "localkube-e2e/built:1", context, "-p", _profile);
        Assert.That(build.ExitCode, Is.Zero, build.StandardOutput + build.StandardError);

        await RunPodAsync("built", "localkube-e2e/built:1", "hello-from-built");
    }

    [Test, Order(5)]
    public async Task Rm_RemovesFromTheNode()
    {
        var rm = await _env.LocalKubeAsync("image", "rm", _hostTag ?? Image, "-p", _profile);
        Assert.That(rm.ExitCode, Is.Zero, rm.StandardError);
        var again = await _env.LocalKubeAsync("image", "rm", "localkube-e2e/never:1", "-p", _profile);
        Assert.That(again.ExitCode, Is.EqualTo(80));
        Assert.That(again.StandardError, Does.Contain("LK_GUEST_IMAGE_REMOVE").And.Contain("No such image"));
    }

    [Test, Order(6)]
    public async Task DockerEnv_HostDockerBuildsInTheNode_ThenAPodRunsIt()
    {
        var envJson = await _env.LocalKubeAsync("docker-env", "-o", "json", "-p", _profile);
        Assert.That(envJson.ExitCode, Is.Zero, envJson.StandardError);
        var variables = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(envJson.StandardOutput)!;
        Assert.That(variables["DOCKER_HOST"], Does.Match(@"^tcp://127\.0\.0\.1:\d+$"));

        var bash = await _env.LocalKubeAsync("docker-env", "-p", _profile);
        Assert.That(bash.StandardOutput, Does.Contain($"export DOCKER_HOST=\"{variables["DOCKER_HOST"]}\""));

        var context = Directory.CreateDirectory(_files.Combine("ctx-env")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "flavour"), "docker-env\n");
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {Image}\nCOPY flavour /etc/flavour\n");
        var build = await Cli.Wrap("docker").WithArguments(["build", "-t", "localkube-e2e/via-env:1", context])
            .WithEnvironmentVariables(variables.Append(new("DOCKER_BUILDKIT", "0")).ToDictionary(v => v.Key, v => (string?)v.Value))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(build.ExitCode, Is.Zero, build.StandardOutput + build.StandardError);

        await RunPodAsync("via-env", "localkube-e2e/via-env:1", "hello-from-docker-env");

        // Without the client certificate the engine refuses the connection.
        var noCert = await Cli.Wrap("docker").WithArguments(["--host", variables["DOCKER_HOST"], "version"])
            .WithEnvironmentVariables(e => e.Set("DOCKER_TLS_VERIFY", null).Set("DOCKER_CERT_PATH", null))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(noCert.ExitCode, Is.Not.Zero);
    }

    [Test]
    public async Task Ssh_PassesExitCodes_Output_AndStdin()
    {
        var exit = await _env.LocalKubeAsync("ssh", "-p", _profile, "--", "exit", "7");
        Assert.That(exit.ExitCode, Is.EqualTo(7));

        var hostname = await _env.LocalKubeAsync("ssh", "-p", _profile, "--", "cat", "/etc/hostname", "&&", "echo", "err", ">&2");
        Assert.That(hostname.ExitCode, Is.Zero);
        Assert.That(hostname.StandardOutput.Trim(), Is.EqualTo(_profile));
        Assert.That(hostname.StandardError.Trim(), Is.EqualTo("err"));

        var cat = await _env.LocalKubeAsync(["ssh", "-p", _profile, "--", "tr", "a-z", "A-Z"], PipeSource.FromString("round trip\n"), CancellationToken.None);
        Assert.That(cat.StandardOutput, Is.EqualTo("ROUND TRIP\n"));

        var shell = await _env.LocalKubeAsync(["ssh", "-p", _profile], PipeSource.FromString("docker info --format '{{.Driver}}'\nexit 4\n"), CancellationToken.None);
        Assert.That(shell.ExitCode, Is.EqualTo(4));
        Assert.That(shell.StandardOutput, Does.Contain("overlay2"));
    }

    private async Task RunPodAsync(string name, string image, string expectedLog)
    {
        var run = await _env.KubectlAsync("--context", _profile, "run", name, "--image", image, "--image-pull-policy", "IfNotPresent", "--restart", "Never");
        Assert.That(run.ExitCode, Is.Zero, run.StandardError);
        var wait = await _env.KubectlAsync("--context", _profile, "wait", "--for=condition=Ready", $"pod/{name}", "--timeout=90s");
        var describe = wait.ExitCode == 0 ? "" : (await _env.KubectlAsync("--context", _profile, "describe", "pod", name)).StandardOutput;
        Assert.That(wait.ExitCode, Is.Zero, wait.StandardError + describe);
        // The container's output, read in the node through ssh (pods/log is another branch's).
        var script = $"docker logs $(docker ps -q --filter label=io.kubernetes.pod.name={name} --filter label=io.kubernetes.container.name={name})";
        var logs = await _env.LocalKubeAsync("ssh", "-p", _profile, "--", script);
        Assert.That(logs.StandardOutput, Does.Contain(expectedLog), logs.StandardError);
    }
}
