using System.Diagnostics;
using System.Text.Json;

namespace LocalKube.IntegrationTests;

/// <summary>The smaller commands against one running process-driver cluster.</summary>
[TestFixture]
[Category("E2E")]
public sealed class CommandsTests
{
    private LocalKubeEnvironment _env = null!;
    private string _profile = null!;
    private string _startJson = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _env = new LocalKubeEnvironment();
        _profile = _env.Profile("cmd");
        var start = await _env.LocalKubeAsync("start", "--driver", "process", "-p", _profile, "-o", "json");
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
        _startJson = start.StandardOutput;
    }

    [OneTimeTearDown]
    public async Task DeleteCluster() => await _env.DisposeAsync();

    [Test]
    public void StartJson_IsOneCloudEventPerLine_WithNumberedSteps()
    {
        var events = _startJson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var steps = events.Where(e => e.GetProperty("type").GetString() == "io.localkube.step").ToList();
        Assert.That(steps, Is.Not.Empty);
        var numbers = steps.Select(s => int.Parse(s.GetProperty("data").GetProperty("currentstep").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(numbers, Is.Ordered.Ascending);
        Assert.That(steps.Select(s => s.GetProperty("data").GetProperty("totalsteps").GetString()).Distinct().Count(), Is.EqualTo(1));
        Assert.That(events.All(e => e.GetProperty("specversion").GetString() == "1.0"));
    }

    [Test]
    public async Task Ip_PrintsLoopbackForTheProcessDriver()
    {
        var ip = await _env.LocalKubeAsync("ip", "-p", _profile);
        Assert.That(ip.StandardOutput.Trim(), Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public async Task Logs_ShowTheAgentLog_AsText()
    {
        var logs = await _env.LocalKubeAsync("logs", "-p", _profile, "-n", "5");
        Assert.That(logs.ExitCode, Is.Zero, logs.StandardError);
        var lines = logs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.InRange(1, 5));
        Assert.That(lines, Has.All.Match(@"^\d{4}-\d\d-\d\dT.* (INFO|WARN|DBUG|FAIL|CRIT|TRCE) "));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task LogsFollow_StreamsUntilInterrupted(CancellationToken ct)
    {
        using var process = _env.StartLocalKube("logs", "-f", "-n", "1", "-p", _profile);
        var first = await process.StandardOutput.ReadLineAsync(ct);
        Assert.That(first, Is.Not.Null.And.Not.Empty);
        Assert.That(process.HasExited, Is.False, "-f keeps following");
        process.Kill();
    }

    [Test]
    public async Task UpdateContext_RepairsAStaleServer()
    {
        var server = (await _env.KubectlAsync("config", "view", "-o", $"jsonpath={{.clusters[?(@.name==\"{_profile}\")].cluster.server}}")).StandardOutput;
        await _env.KubectlAsync("config", "set-cluster", _profile, "--server=https://127.0.0.1:1");
        var update = await _env.LocalKubeAsync("update-context", "-p", _profile);
        Assert.That(update.ExitCode, Is.Zero, update.StandardError);
        Assert.That(update.StandardOutput, Does.Contain("has been updated"));
        var repaired = (await _env.KubectlAsync("config", "view", "-o", $"jsonpath={{.clusters[?(@.name==\"{_profile}\")].cluster.server}}")).StandardOutput;
        Assert.That(repaired, Is.EqualTo(server));
        var again = await _env.LocalKubeAsync("update-context", "-p", _profile);
        Assert.That(again.StandardOutput, Does.Contain("already points"));
    }

    [Test]
    public async Task Kubectl_PassesArgumentsThroughWithTheProfileContext()
    {
        await _env.KubectlAsync("config", "use-context", "nonexistent-context-is-fine-to-fail");
        var result = await _env.LocalKubeAsync("kubectl", "-p", _profile, "--", "get", "--raw", "/version");
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("\"minor\": \"32\"").Or.Contain("\"minor\":\"32\""));
    }

    [Test]
    public async Task Version_Json()
    {
        var version = await _env.LocalKubeAsync("version", "-o", "json");
        using var doc = JsonDocument.Parse(version.StandardOutput);
        Assert.That(doc.RootElement.GetProperty("localkubeVersion").GetString(), Does.StartWith("v0."));
    }

    [Test]
    public async Task ProfileList_ShowsTheRunningCluster()
    {
        var list = await _env.LocalKubeAsync("profile", "list", "-o", "json");
        using var doc = JsonDocument.Parse(list.StandardOutput);
        var mine = doc.RootElement.GetProperty("valid").EnumerateArray().Single(p => p.GetProperty("Name").GetString() == _profile);
        Assert.That(mine.GetProperty("Status").GetString(), Is.EqualTo("Running"));
        Assert.That(mine.GetProperty("Driver").GetString(), Is.EqualTo("process"));
        var text = await _env.LocalKubeAsync("profile", "list");
        Assert.That(text.StandardOutput, Does.Contain(_profile).And.Contain("process"));
    }
}
