using System.Globalization;
using System.Text.Json;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>Pid file, JSON log, graceful stop and component failure of the in-process agent host.</summary>
[TestFixture]
public sealed class AgentLifecycleTests
{
    private static readonly NodeComponent Boom = new("boom");

    private TestPki _pki = null!;

    [OneTimeSetUp]
    public void CreatePki() => _pki = new TestPki();

    [OneTimeTearDown]
    public void DisposePki() => _pki.Dispose();

    [Test]
    public async Task Pid_file_is_written_on_start_and_removed_on_clean_stop()
    {
        await using var agent = await RunningAgent.StartAsync(_pki);
        var pidFile = Path.Combine(agent.Options.DataDir, "agent.pid");
        Assert.That(File.ReadAllText(pidFile).Trim(), Is.EqualTo(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));

        Assert.That(await agent.StopAsync(), Is.EqualTo(NodeExitStatus.Success));
        Assert.That(File.Exists(pidFile), Is.False);
    }

    [Test]
    public async Task Log_file_is_json_lines_in_the_design_format()
    {
        await using var agent = await RunningAgent.StartAsync(_pki);
        await agent.StopAsync();

        var lines = File.ReadAllLines(Path.Combine(agent.Options.DataDir, "logs", "agent.log"));
        Assert.That(lines, Is.Not.Empty);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.That(names, Is.EqualTo(new[] { "time", "level", "category", "eventId", "message", "exception" }), line);
            Assert.That(json.RootElement.GetProperty("time").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
        }

        Assert.That(lines, Has.Some.Contains("\"message\":\"Settings: agent.advertise-address="));
        Assert.That(lines, Has.Some.Contains("Component apiserver is ready"));
    }

    [Test]
    public async Task A_failing_component_stops_the_agent_with_a_non_zero_exit_code()
    {
        await using var agent = await RunningAgent.StartAsync(_pki, services => services.AddNodeComponent<BoomService>(Boom), waitReady: false);
        var exitCode = await agent.Run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(NodeExitStatus.ComponentFailed));
        var readiness = agent.Readiness.Snapshot();
        Assert.That(readiness.Single(s => s.Component == Boom).State, Is.EqualTo(ComponentState.Failed));
        Assert.That(agent.ExitStatus.FailedComponent, Is.EqualTo(Boom));

        var log = File.ReadAllLines(Path.Combine(agent.Options.DataDir, "logs", "agent.log"));
        Assert.That(log, Has.Some.Contains("\"level\":\"Critical\"").And.Contains("Component boom failed"));
        Assert.That(File.Exists(Path.Combine(agent.Options.DataDir, "agent.pid")), Is.False);
    }

    [Test]
    public async Task Readyz_reports_a_component_that_is_not_ready_yet()
    {
        var gate = new TaskCompletionSource();
        await using var agent = await RunningAgent.StartAsync(_pki, services =>
        {
            services.AddSingleton(gate);
            services.AddNodeComponent<SlowService>(SlowService.Id);
        }, waitReady: false);

        using var client = agent.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage response;
        while (true)
        {
            try
            {
                response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        using (response)
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(500));
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(body, Does.Contain("[-]slow failed: reason withheld\n").And.EndWith("readyz check failed\n"));
        }

        Assert.That(await client.GetStringAsync(new Uri("/livez", UriKind.Relative)), Is.EqualTo("ok"));
        gate.SetResult();
        await agent.WaitReadyAsync(CancellationToken.None);
    }

    private sealed class BoomService(IComponentReadiness readiness, IHostApplicationLifetime lifetime, NodeExitStatus exitStatus, ILogger<BoomService> logger)
        : NodeComponentService(readiness, lifetime, exitStatus, logger)
    {
        public override NodeComponent Component => Boom;

        public override IReadOnlyList<NodeComponent> DependsOn => [NodeComponent.ApiServer];

        protected override Task RunAsync(Action markReady, CancellationToken stoppingToken) =>
            throw new InvalidOperationException("boom");
    }

    private sealed class SlowService(
        TaskCompletionSource gate, IComponentReadiness readiness, IHostApplicationLifetime lifetime, NodeExitStatus exitStatus, ILogger<SlowService> logger)
        : NodeComponentService(readiness, lifetime, exitStatus, logger)
    {
        public static readonly NodeComponent Id = new("slow");

        public override NodeComponent Component => Id;

        protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
        {
            await gate.Task.WaitAsync(stoppingToken);
            markReady();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }
}
