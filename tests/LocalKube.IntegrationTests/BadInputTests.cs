using System.Net;
using System.Net.Sockets;

namespace LocalKube.IntegrationTests;

/// <summary>Each bad-input row of the foundation issue: a clear message, a stable reason and exit code, nothing half-made.</summary>
[TestFixture]
[Category("E2E")]
public sealed class BadInputTests
{
    [TestCase(new[] { "start", "--driver", "hyperkitty" }, "--driver", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "process", "--memory", "abc" }, "--memory", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "process", "--cpus", "0" }, "--cpus", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "docker", "--ports", "80-90" }, "--ports", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "process", "--wait-timeout", "soon" }, "--wait-timeout", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "process", "--extra-config", "nodots" }, "--extra-config", "LK_USAGE")]
    [TestCase(new[] { "start", "--driver", "process", "--ports", "8080:80" }, "--ports", "LK_USAGE")]
    [TestCase(new[] { "start", "-p", "Bad_Name" }, "DNS-1123", "LK_PROFILE_NAME_INVALID")]
    [TestCase(new[] { "start", "-p", "stop" }, "reserved", "LK_PROFILE_NAME_INVALID")]
    public async Task InvalidFlag_ExitsWithUsage_NamesTheProblem_AndCreatesNothing(string[] args, string named, string reason)
    {
        await using var env = new LocalKubeEnvironment();
        var result = await env.LocalKubeAsync(args);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(14), result.StandardError);
            Assert.That(result.StandardError, Does.Contain(named));
            Assert.That(result.StandardError, Does.Contain(reason));
            Assert.That(Directory.Exists(Path.Combine(env.LocalKubeHome, "profiles")) && Directory.EnumerateDirectories(Path.Combine(env.LocalKubeHome, "profiles")).Any(), Is.False);
        });
    }

    [Test]
    public async Task UnknownFlag_IsAUsageError()
    {
        await using var env = new LocalKubeEnvironment();
        var result = await env.LocalKubeAsync("start", "--no-such-flag");
        Assert.That(result.ExitCode, Is.EqualTo(14));
        Assert.That(result.StandardError, Does.Contain("--no-such-flag"));
    }

    [Test]
    public async Task MissingProfile_StatusAndStopExit85_DeleteSucceeds()
    {
        await using var env = new LocalKubeEnvironment();
        var status = await env.LocalKubeAsync("status", "-p", "ghost");
        Assert.That(status.ExitCode, Is.EqualTo(85), status.StandardError);
        Assert.That(status.StandardError, Does.Contain("Profile \"ghost\" not found"));

        var stop = await env.LocalKubeAsync("stop", "-p", "ghost");
        Assert.That(stop.ExitCode, Is.EqualTo(85), stop.StandardError);

        var delete = await env.LocalKubeAsync("delete", "-p", "ghost");
        Assert.That(delete.ExitCode, Is.Zero, delete.StandardError);
        Assert.That(delete.StandardOutput, Does.Contain("\"ghost\" profile does not exist, trying anyways."));
    }

    [Test]
    public async Task CorruptProfile_ErrorNamesTheFile_AndDeleteStillWorks()
    {
        await using var env = new LocalKubeEnvironment();
        var dir = env.ProfileDirectory("broken");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(file, "{ \"name\": \"broken\", ");

        var status = await env.LocalKubeAsync("status", "-p", "broken");
        Assert.That(status.ExitCode, Is.EqualTo(18), status.StandardError);
        Assert.That(status.StandardError, Does.Contain(file));

        var list = await env.LocalKubeAsync("profile", "list", "-o", "json");
        Assert.That(list.ExitCode, Is.Zero, list.StandardError);
        Assert.That(list.StandardOutput, Does.Contain("\"invalid\":[{\"Name\":\"broken\""));

        var delete = await env.LocalKubeAsync("delete", "-p", "broken");
        Assert.That(delete.ExitCode, Is.Zero, delete.StandardError);
        Assert.That(Directory.Exists(dir), Is.False);
    }

    [Test]
    public async Task MalformedKubeconfig_IsNeverClobbered()
    {
        await using var env = new LocalKubeEnvironment();
        const string garbage = "apiVersion: v1\nclusters:\n  - name: [unclosed\n";
        await File.WriteAllTextAsync(env.Kubeconfig, garbage);
        var profile = env.Profile("kc");

        var start = await env.LocalKubeAsync("start", "--driver", "process", "-p", profile);
        Assert.Multiple(() =>
        {
            Assert.That(start.ExitCode, Is.EqualTo(38), start.StandardOutput + start.StandardError);
            Assert.That(start.StandardError, Does.Contain(env.Kubeconfig));
            Assert.That(start.StandardError, Does.Contain("line"));
            Assert.That(File.ReadAllText(env.Kubeconfig), Is.EqualTo(garbage), "the file is untouched");
            Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False, "nothing half-made");
        });
    }

    [Test]
    public async Task ApiServerPortInUse_NamesThePort_AndCreatesNothing()
    {
        await using var env = new LocalKubeEnvironment();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var profile = env.Profile("port");

        var start = await env.LocalKubeAsync("start", "--driver", "process", "-p", profile, "--apiserver-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(start.ExitCode, Is.EqualTo(81), start.StandardError);
            Assert.That(start.StandardError, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(start.StandardError, Does.Contain("LK_GUEST_PORT_IN_USE"));
            Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False);
        });
    }
}
