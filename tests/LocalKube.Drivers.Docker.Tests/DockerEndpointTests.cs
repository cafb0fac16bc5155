using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>Endpoint discovery and classification. Changes DOCKER_HOST of the process, so never in parallel.</summary>
[NonParallelizable]
public sealed class DockerEndpointTests
{
    private static readonly MachineRef Nobody = new("lkt-nobody", "lkt-nobody", "/nonexistent");

    [Test]
    public void BadDockerHost_IsUsedAlone_WithoutFallingBackToTheDefaultSocket()
    {
        var previous = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var missing = $"/tmp/lkt-{Guid.NewGuid():N}.sock";
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix://" + missing);
        try
        {
            // The default socket is the real one where Docker runs: a fallback would succeed and hide the user's choice.
            using var driver = new DockerDriver(new DockerDriverOptions());
            var e = Assert.ThrowsAsync<LocalKubeException>(() => driver.GetStateAsync(Nobody, CancellationToken.None));
            // docker is on PATH here, so a missing socket means "not running", not "not installed".
            Assert.That(e!.Reason, Is.EqualTo(Reasons.DockerNotRunning));
            Assert.That(e.Message, Does.Contain("DOCKER_HOST=unix://" + missing).And.Not.Contain("/var/run/docker.sock"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previous);
        }
    }

    [Test]
    public void RefusedTcpDockerHost_IsNotRunning()
    {
        var port = DockerTestSupport.FreePort();
        var options = Simulated(new() { ["DOCKER_HOST"] = $"tcp://127.0.0.1:{port}", ["PATH"] = "/usr/bin:/bin" }, "/nonexistent.sock");
        using var driver = new DockerDriver(options);
        var e = Assert.ThrowsAsync<LocalKubeException>(() => driver.GetStateAsync(Nobody, CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.DockerNotRunning));
        Assert.That(e.Message, Does.Contain("refused"));
    }

    [Test]
    public async Task NoDockerAtAll_IsNotFound_AndTheProbeSaysSo()
    {
        var options = Simulated(new() { ["PATH"] = "/nonexistent-bin" }, "/nonexistent.sock");
        using var driver = new DockerDriver(options);
        var e = Assert.ThrowsAsync<LocalKubeException>(() => driver.GetStateAsync(Nobody, CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.DockerNotFound));
        Assert.That(e.Reason.ExitCode, Is.EqualTo(65));

        var health = await new DockerDriverProbe(options).ProbeAsync(CancellationToken.None);
        Assert.That(health, Is.EqualTo(health with { Installed = false, Healthy = false, ReasonId = Reasons.DockerNotFound.Id }));
        Assert.That(health.Fix, Is.EqualTo(Reasons.DockerNotFound.Advice));
        Assert.That(await driver.PurgeAsync("lkt-nobody", "/nonexistent", CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Probe_OfASilentEndpoint_TimesOut_AndReportsNotRunning()
    {
        // A listener that accepts but never answers: the probe must give up after its timeout, not hang.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = Simulated(new() { ["DOCKER_HOST"] = $"tcp://127.0.0.1:{port}", ["PATH"] = "/usr/bin" }, "/nonexistent.sock");
        options.ConnectTimeout = TimeSpan.FromSeconds(1);

        var health = await new DockerDriverProbe(options).ProbeAsync(CancellationToken.None);
        Assert.That(health.Healthy, Is.False);
        Assert.That(health.ReasonId, Is.EqualTo(Reasons.DockerNotRunning.Id));
        Assert.That(health.Error, Does.Contain("no answer within 1 s"));
    }

    [Test]
    [RequiresDocker]
    public async Task Probe_OfTheRealEngine_IsHealthy_WithItsVersion()
    {
        var health = await new DockerDriverProbe(new DockerDriverOptions()).ProbeAsync(CancellationToken.None);
        Assert.That(health.Installed && health.Healthy, Is.True, health.Error);
        Assert.That(health.Version, Is.Not.Empty);
    }

    [Test]
    public void Classification_PrefersTheMostInformativeFailure()
    {
        DockerEndpointFailure F(DockerFailureKind k) => new("x", k, "y");
        Assert.Multiple(() =>
        {
            Assert.That(DockerEndpointResolver.Classify([F(DockerFailureKind.Missing)], dockerOnPath: false), Is.EqualTo(Reasons.DockerNotFound));
            Assert.That(DockerEndpointResolver.Classify([F(DockerFailureKind.Missing)], dockerOnPath: true), Is.EqualTo(Reasons.DockerNotRunning));
            Assert.That(DockerEndpointResolver.Classify([F(DockerFailureKind.Missing), F(DockerFailureKind.NotRunning)], false), Is.EqualTo(Reasons.DockerNotRunning));
            Assert.That(DockerEndpointResolver.Classify([F(DockerFailureKind.Permission), F(DockerFailureKind.Missing)], false), Is.EqualTo(Reasons.DockerPermission));
            Assert.That(DockerEndpointResolver.Classify([F(DockerFailureKind.Error), F(DockerFailureKind.NotRunning)], true), Is.EqualTo(Reasons.DockerError));
        });
    }

    private static DockerDriverOptions Simulated(Dictionary<string, string> env, string defaultSocket) => new()
    {
        DefaultSocketPath = defaultSocket,
        GetEnvironmentVariable = name => env.GetValueOrDefault(name),
    };
}
