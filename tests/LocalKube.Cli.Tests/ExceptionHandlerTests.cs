using System.Text.Json;
using LocalKube.Abstractions.Errors;
using LocalKube.Cli;
using LocalKube.Cli.Output;

namespace LocalKube.Cli.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ExceptionHandlerTests
{
    [Test]
    public void LocalKubeException_PrintsReasonAndAdvice_WithoutStack_AndExitsWithItsCode()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = new ExceptionHandler(stdout, stderr).Handle(new LocalKubeException(Reasons.DockerNotRunning, "Cannot connect to unix:///x.sock."), OutputFormat.Text, verbose: false);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(63));
            Assert.That(stderr.ToString(), Does.Contain("Exiting due to LK_PROVIDER_DOCKER_NOT_RUNNING: Cannot connect to unix:///x.sock."));
            Assert.That(stderr.ToString(), Does.Contain(Reasons.DockerNotRunning.Advice));
            Assert.That(stderr.ToString(), Does.Not.Contain(" at "));
            Assert.That(stdout.ToString(), Is.Empty);
        });
    }

    [Test]
    public void Json_EmitsAnErrorEvent_WithReasonAndExitCode()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = new ExceptionHandler(stdout, stderr).Handle(new LocalKubeException(Reasons.PortInUse, "Port 8080 is in use."), OutputFormat.Json, verbose: false);
        using var doc = JsonDocument.Parse(stdout.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(81));
            Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("io.localkube.error"));
            Assert.That(doc.RootElement.GetProperty("data").GetProperty("name").GetString(), Is.EqualTo("LK_GUEST_PORT_IN_USE"));
            Assert.That(doc.RootElement.GetProperty("data").GetProperty("exitcode").GetString(), Is.EqualTo("81"));
            Assert.That(doc.RootElement.GetProperty("data").GetProperty("message").GetString(), Is.EqualTo("Port 8080 is in use."));
        });
    }

    [Test]
    public void Cancellation_IsInterrupted()
    {
        var code = new ExceptionHandler(new StringWriter(), new StringWriter()).Handle(new OperationCanceledException(), OutputFormat.Text, verbose: false);
        Assert.That(code, Is.EqualTo(Reasons.Interrupted.ExitCode));
    }

    [Test]
    public void UnexpectedException_IsABug_WithTheStack()
    {
        var stderr = new StringWriter();
        var code = new ExceptionHandler(new StringWriter(), stderr).Handle(new InvalidOperationException("boom"), OutputFormat.Text, verbose: false);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.ToString(), Does.Contain("LK_INTERNAL").And.Contain("InvalidOperationException"));
    }
}
