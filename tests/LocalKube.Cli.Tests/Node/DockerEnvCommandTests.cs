using LocalKube.Abstractions.Drivers;
using LocalKube.Cli.Output;
using LocalKube.Testing;

namespace LocalKube.Cli.Tests.Node;

/// <summary><c>localkube docker-env</c>: minikube's shapes per shell, <c>--unset</c>, the client certificates, and why it cannot run.</summary>
[TestFixture]
[Category("Unit")]
public sealed class DockerEnvCommandTests
{
    [Test]
    public async Task Bash_ExportsTheEngineAndTheCertificates()
    {
        var driver = new ShellDriver(ShellDriver.EngineDescriptor);
        using var cli = new CliHarness(driver);
        await cli.AddProfileAsync("de");

        Assert.That(await cli.RunAsync("docker-env", "--shell", "bash", "-p", "de"), Is.Zero, cli.Stderr);

        var certs = cli.Combine("home", "profiles", "de", "certs", "docker");
        Assert.Multiple(() =>
        {
            Assert.That(cli.Stdout, Is.EqualTo(
                "export DOCKER_TLS_VERIFY=\"1\"\n" +
                "export DOCKER_HOST=\"tcp://127.0.0.1:32777\"\n" +
                $"export DOCKER_CERT_PATH=\"{certs}\"\n" +
                "export LOCALKUBE_ACTIVE_DOCKERD=\"de\"\n\n" +
                "# To point your shell to the node's Docker Engine, run:\n" +
                "# eval $(localkube -p de docker-env)\n"));
            Assert.That(File.ReadAllText(Path.Combine(certs, "cert.pem")), Does.StartWith("-----BEGIN CERTIFICATE-----"));
            Assert.That(File.ReadAllText(Path.Combine(certs, "key.pem")), Does.Contain("PRIVATE KEY"));
            Assert.That(File.ReadAllText(Path.Combine(certs, "ca.pem")), Is.EqualTo(File.ReadAllText(cli.Combine("home", "profiles", "de", "certs", "ca.crt"))));
        });
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(certs, "key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void Shells_HaveMinikubesShapes()
    {
        KeyValuePair<string, string>[] one = [new("DOCKER_HOST", "tcp://127.0.0.1:1")];
        Assert.Multiple(() =>
        {
            Assert.That(ShellEnvironment.Set("fish", one, "lk"), Is.EqualTo("set -gx DOCKER_HOST \"tcp://127.0.0.1:1\";\n\n# To point your shell to the node's Docker Engine, run:\n# lk | source\n"));
            Assert.That(ShellEnvironment.Set("powershell", one, "lk"), Is.EqualTo("$Env:DOCKER_HOST = \"tcp://127.0.0.1:1\"\n# To point your shell to the node's Docker Engine, run:\n# & lk --shell powershell | Invoke-Expression\n"));
            Assert.That(ShellEnvironment.Set("cmd", one, "lk"), Is.EqualTo("SET DOCKER_HOST=tcp://127.0.0.1:1\nREM To point your shell to the node's Docker Engine, run:\nREM @FOR /f \"tokens=*\" %i IN ('lk --shell cmd') DO @%i\n"));
            Assert.That(ShellEnvironment.Set("zsh", one, "lk"), Does.StartWith("export DOCKER_HOST=\"tcp://127.0.0.1:1\"\n"));
            Assert.That(ShellEnvironment.Set("none", one, "lk"), Is.EqualTo("DOCKER_HOST=tcp://127.0.0.1:1\n"));
            Assert.That(ShellEnvironment.Detect("/usr/bin/fish", false), Is.EqualTo("fish"));
            Assert.That(ShellEnvironment.Detect("/bin/weird", false), Is.EqualTo("bash"));
            Assert.That(ShellEnvironment.Detect(null, true), Is.EqualTo("powershell"));
        });
    }

    [TestCase("bash", "unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\nunset LOCALKUBE_ACTIVE_DOCKERD\n")]
    [TestCase("fish", "set -e DOCKER_TLS_VERIFY;\nset -e DOCKER_HOST;\nset -e DOCKER_CERT_PATH;\nset -e LOCALKUBE_ACTIVE_DOCKERD;\n")]
    [TestCase("powershell", "Remove-Item Env:\\\\DOCKER_TLS_VERIFY\nRemove-Item Env:\\\\DOCKER_HOST\nRemove-Item Env:\\\\DOCKER_CERT_PATH\nRemove-Item Env:\\\\LOCALKUBE_ACTIVE_DOCKERD\n")]
    [TestCase("cmd", "SET DOCKER_TLS_VERIFY=\nSET DOCKER_HOST=\nSET DOCKER_CERT_PATH=\nSET LOCALKUBE_ACTIVE_DOCKERD=\n")]
    public async Task Unset_NeedsNoCluster(string shell, string expected)
    {
        using var cli = new CliHarness(new ShellDriver(ShellDriver.EngineDescriptor) { State = MachineState.NotFound });

        Assert.That(await cli.RunAsync("docker-env", "--unset", "--shell", shell, "-p", "gone"), Is.Zero);
        Assert.That(cli.Stdout, Is.EqualTo(expected));
    }

    [Test]
    public async Task Json_IsOneObject()
    {
        using var cli = new CliHarness(new ShellDriver(ShellDriver.EngineDescriptor));
        await cli.AddProfileAsync("dj");

        Assert.That(await cli.RunAsync("docker-env", "-o", "json", "-p", "dj"), Is.Zero, cli.Stderr);
        Assert.That(cli.Stdout, Does.StartWith("{\"DOCKER_TLS_VERIFY\":\"1\",\"DOCKER_HOST\":\"tcp://127.0.0.1:32777\",\"DOCKER_CERT_PATH\":"));
    }

    [Test]
    public async Task Failures_SayWhy()
    {
        var driver = new ShellDriver(ShellDriver.EngineDescriptor) { EngineEndpoint = null };
        using var cli = new CliHarness(driver);
        await cli.AddProfileAsync("old");
        Assert.That(await cli.RunAsync("docker-env", "-p", "old"), Is.EqualTo(86));
        Assert.That(cli.Stderr, Does.Contain("LK_GUEST_DOCKER_ENV_UNAVAILABLE").And.Contain("created before"));

        driver.State = MachineState.Stopped;
        Assert.That(await cli.RunAsync("docker-env", "-p", "old"), Is.EqualTo(83));

        using var process = new CliHarness(new FakeDriver());
        await process.AddProfileAsync("proc", runtime: null);
        Assert.That(await process.RunAsync("docker-env", "-p", "proc"), Is.EqualTo(56));
        Assert.That(process.Stderr, Does.Contain("LK_DRV_NO_CONTAINER_ENGINE").And.Contain("simulated runtime"));

        Assert.That(await process.RunAsync("docker-env", "--shell", "csh", "-p", "proc"), Is.EqualTo(14));
    }
}
