using System.Text.Json;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ReportersTests
{
    [Test]
    public async Task Plain_PrintsStartProgressAndDuration_InOrder()
    {
        var output = new StringWriter();
        var reporter = new PlainReporter(output);
        var value = await reporter.StepAsync(new StepInfo(1, 3, "Creating node"), (progress, _) =>
        {
            progress.Report("pulling nothing");
            return Task.FromResult(42);
        }, CancellationToken.None);

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(value, Is.EqualTo(42));
        Assert.That(lines[0], Is.EqualTo("* Creating node ..."));
        Assert.That(lines[1], Is.EqualTo("    pulling nothing"));
        Assert.That(lines[2], Does.Match(@"^  done: Creating node \(\d+\.\ds\)$"));
    }

    [Test]
    public async Task Json_EmitsStepEventsWithNumbers_AndProgressAsInfo()
    {
        var output = new StringWriter();
        var reporter = new JsonReporter(output);
        await reporter.StepAsync(new StepInfo(2, 7, "Starting node agent"), (progress, _) =>
        {
            progress.Report("copying agent");
            return Task.FromResult(true);
        }, CancellationToken.None);
        reporter.Warning("careful");

        var events = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(events.Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[] { "io.localkube.step", "io.localkube.info", "io.localkube.warning" }));
        var data = events[0].GetProperty("data");
        Assert.That(data.GetProperty("currentstep").GetString(), Is.EqualTo("2"));
        Assert.That(data.GetProperty("totalsteps").GetString(), Is.EqualTo("7"));
        Assert.That(data.GetProperty("name").GetString(), Is.EqualTo("Starting node agent"));
    }

    [Test]
    public void AgentLogLine_RendersJsonAsText_AndPassesOtherLinesThrough()
    {
        const string line = """{"time":"2026-11-26T15:00:00.000Z","level":"Warning","category":"LocalKube.Node","eventId":3,"message":"slow disk","exception":null}""";
        Assert.That(AgentLogLine.Render(line), Is.EqualTo("2026-11-26T15:00:00.000Z WARN LocalKube.Node: slow disk"));
        Assert.That(AgentLogLine.Render("plain text"), Is.EqualTo("plain text"));
        Assert.That(AgentLogLine.Render("{not json"), Is.EqualTo("{not json"));
    }
}
