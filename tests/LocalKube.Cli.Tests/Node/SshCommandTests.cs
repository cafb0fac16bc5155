using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;

namespace LocalKube.Cli.Tests.Node;

/// <summary><c>localkube ssh</c>: the command reaches the node's shell whole, its exit code comes back, and drivers without a node say why.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SshCommandTests
{
    [Test]
    public async Task Command_RunsInTheNodesShell_WithItsExitCode()
    {
        var driver = new ShellDriver(ShellDriver.EngineDescriptor) { ReadStdin = false, Handler = (_, _) => (3, "", "") };
        using var cli = new CliHarness(driver);
        await cli.AddProfileAsync("s1");

        var code = await cli.RunAsync("ssh", "-p", "s1", "--", "ls", "-la", "/var", "&&", "exit", "3");

        Assert.That(code, Is.EqualTo(3));
        Assert.That(driver.Commands.Single().Arguments, Is.EqualTo(new[] { "/bin/sh", "-c", "ls -la /var && exit 3" }));
    }

    [Test]
    public async Task ProcessDriver_HasNoNodeToOpen()
    {
        using var cli = new CliHarness(new FakeDriver());
        await cli.AddProfileAsync("s2", runtime: null);

        Assert.That(await cli.RunAsync("ssh", "-p", "s2"), Is.EqualTo(56));
        Assert.That(cli.Stderr, Does.Contain("LK_DRV_NO_NODE_SHELL").And.Contain("runs the node agent on this host itself"));
    }

    [Test]
    public async Task StoppedNode_Exit83()
    {
        var driver = new ShellDriver(ShellDriver.EngineDescriptor) { State = MachineState.Stopped };
        using var cli = new CliHarness(driver);
        await cli.AddProfileAsync("s3");

        Assert.That(await cli.RunAsync("ssh", "-p", "s3", "--", "true"), Is.EqualTo(83));
        Assert.That(driver.Commands, Is.Empty);
    }
}
