using System.Net;
using System.Net.Sockets;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

/// <summary>Docker-side faults: a missing daemon or binary, and a busy --ports host port.</summary>
[TestFixture]
[Category("E2E")]
public sealed class DockerFaultTests
{
    [Test]
    public async Task DaemonNotRunning_Exits63_AndLeavesNoProfile()
    {
        await using var env = new LocalKubeEnvironment();
        env.Environment["DOCKER_HOST"] = "unix:///tmp/localkube-no-such-docker.sock";
        var profile = env.Profile("nodocker");

        var start = await env.LocalKubeAsync("start", "--driver", "docker", "-p", profile);
        Assert.Multiple(() =>
        {
            Assert.That(start.ExitCode, Is.EqualTo(63), start.StandardError);
            Assert.That(start.StandardError, Does.Contain("LK_PROVIDER_DOCKER_NOT_RUNNING"));
            Assert.That(start.StandardError, Does.Contain("/tmp/localkube-no-such-docker.sock"));
            Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False);
        });
    }

    [Test]
    public async Task DockerNotInstalled_Exits65()
    {
        await using var env = new LocalKubeEnvironment();
        using var emptyPath = new TempDirectory("lkpath");
        env.Environment["DOCKER_HOST"] = "unix:///tmp/localkube-no-such-docker.sock";
        env.Environment["PATH"] = emptyPath.Path;
        env.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath!) is { } d && File.Exists(Path.Combine(d, "dotnet")) ? d : "/usr/share/dotnet";

        var start = await env.LocalKubeAsync("start", "--driver", "docker", "-p", env.Profile("nodocker"));
        Assert.That(start.ExitCode, Is.EqualTo(65), start.StandardError);
        Assert.That(start.StandardError, Does.Contain("LK_PROVIDER_DOCKER_NOT_FOUND"));
    }

    [Test]
    [RequiresDocker]
    public async Task PortsHostPortInUse_NamesThePort_AndLeavesNothing()
    {
        await using var env = new LocalKubeEnvironment();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var profile = env.Profile("busy");

        var start = await env.LocalKubeAsync("start", "--driver", "docker", "-p", profile, "--ports", $"{port}:80");
        Assert.Multiple(async () =>
        {
            Assert.That(start.ExitCode, Is.EqualTo(81), start.StandardError);
            Assert.That(start.StandardError, Does.Contain(port));
            Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False);
            Assert.That(await Docker.LabelledAsync(profile), Is.Empty);
        });
    }
}
