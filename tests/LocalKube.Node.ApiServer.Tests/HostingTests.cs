using System.Text.Json;
using LocalKube.Node.ApiServer.Health;
using LocalKube.Node.Hosting;
using LocalKube.Node.Hosting.Logging;
using LocalKube.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

[TestFixture]
public sealed class HostingTests
{
    private static readonly NodeComponent A = new("a");
    private static readonly NodeComponent B = new("b");

    [Test]
    public async Task Readiness_gates_open_fail_and_snapshot()
    {
        var readiness = new ComponentReadiness([new(A), new(B)]);
        var waitA = readiness.WhenReady(A, CancellationToken.None);
        Assert.That(waitA.IsCompleted, Is.False);

        readiness.MarkReady(A);
        await waitA.WaitAsync(TimeSpan.FromSeconds(10));
        readiness.MarkFailed(B, new InvalidOperationException("disk full"));

        var failed = Assert.ThrowsAsync<DependencyFailedException>(() => readiness.WhenReady(B, CancellationToken.None));
        Assert.That(failed!.Dependency, Is.EqualTo(B));
        Assert.That(readiness.Snapshot(), Is.EqualTo(new[]
        {
            new ComponentStatus(A, ComponentState.Ready),
            new ComponentStatus(B, ComponentState.Failed, "disk full"),
        }));
        Assert.ThrowsAsync<InvalidOperationException>(() => readiness.WhenReady(new NodeComponent("nope"), CancellationToken.None));
    }

    [Test]
    public void Waiting_honours_cancellation()
    {
        var readiness = new ComponentReadiness([new(A)]);
        using var cts = new CancellationTokenSource();
        var wait = readiness.WhenReady(A, cts.Token);
        cts.Cancel();
        Assert.That(() => wait, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Options_validation_names_the_flags()
    {
        var options = new NodeAgentOptions { BindAddress = "nowhere", SecurePort = 70000, NodeName = "Bad_Name", AdvertiseAddress = "x" };
        options.EtcdServers.Add("ftp://x");
        options.ExtraConfig.Add("novalue");
        var errors = NodeAgentOptionsValidator.Check(options);
        Assert.That(errors.Select(e => e.Split(' ')[0]), Is.EqualTo(new[]
        {
            "--data-dir", "--cert-dir", "--bind-address", "--secure-port", "--node-name", "--advertise-address", "--etcd-servers", "--extra-config",
        }));
        Assert.That(NodeAgentOptionsValidator.Check(Valid()), Is.Empty);
    }

    [TestCase("apiserver.foo=bar", "apiserver", "foo", "bar")]
    [TestCase("kubelet.max-pods=a=b", "kubelet", "max-pods", "a=b")]
    [TestCase("agent.empty=", "agent", "empty", "")]
    public void Extra_config_parses(string text, string component, string key, string value)
    {
        Assert.That(ExtraConfigEntry.TryParse(text, out var entry, out _), Is.True);
        Assert.That(entry, Is.EqualTo(new ExtraConfigEntry(component, key, value)));
    }

    [TestCase("foo=bar")]
    [TestCase(".foo=bar")]
    [TestCase("a.=b")]
    [TestCase("Api.foo=bar")]
    [TestCase("a.b")]
    public void Bad_extra_config_is_refused(string text)
    {
        Assert.That(ExtraConfigEntry.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.StartWith("--extra-config"));
    }

    [Test]
    public void Settings_merge_defaults_flags_and_extra_config_sorted()
    {
        var options = Valid();
        options.ExtraConfig.Add("apiserver.api-audiences=x,y");
        options.ExtraConfig.Add("zeta.thing=1");
        var settings = new NodeSettings(Options.Create(options),
        [
            new NodeSettingDefault(NodeComponent.ApiServer, "api-audiences", "default"),
            new NodeSettingDefault(NodeComponent.ApiServer, "other", "kept"),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(settings.Get(NodeComponent.ApiServer, "api-audiences"), Is.EqualTo("x,y"));
            Assert.That(settings.Get(NodeComponent.ApiServer, "other"), Is.EqualTo("kept"));
            Assert.That(settings.Get(NodeComponent.Agent, "secure-port"), Is.EqualTo("8443"));
            Assert.That(settings.All.Keys, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(settings.UnknownKeys, Is.EqualTo(new[] { "zeta.thing" }));
        });
    }

    [Test]
    public void File_logger_writes_one_json_object_per_line()
    {
        using var dir = new TempDirectory("lk-log");
        var path = dir.Combine("logs", "agent.log");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 15, 0, 0, 123, TimeSpan.Zero));
        using (var provider = new JsonFileLoggerProvider(path, time))
        {
            var logger = provider.CreateLogger("Test.Category");
            logger.LogInformation(new EventId(7), "hello {Name} <\"quoted\">", "world");
            logger.LogError(new InvalidOperationException("bad"), "failed");
        }

        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo(
            """{"time":"2026-11-26T15:00:00.123Z","level":"Information","category":"Test.Category","eventId":7,"message":"hello world <\"quoted\">","exception":null}"""));
        using var second = JsonDocument.Parse(lines[1]);
        Assert.That(second.RootElement.GetProperty("level").GetString(), Is.EqualTo("Error"));
        Assert.That(second.RootElement.GetProperty("exception").GetString(), Does.StartWith("System.InvalidOperationException: bad"));
    }

    [Test]
    public void Health_report_renders_the_upstream_text()
    {
        var readiness = new ComponentReadiness([new(NodeComponent.Storage), new(NodeComponent.ApiServer)]);
        readiness.MarkReady(NodeComponent.Storage);
        var reporter = new HealthReporter(readiness, () => false);

        Assert.That(HealthReporter.Render("readyz", reporter.Evaluate("readyz"), verbose: false), Is.EqualTo((500,
            "[+]ping ok\n[+]storage ok\n[-]apiserver failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n")));
        Assert.That(HealthReporter.Render("livez", reporter.Evaluate("livez"), verbose: false), Is.EqualTo((200, "ok")));
        Assert.That(HealthReporter.Render("readyz", reporter.Evaluate("readyz", ["apiserver"]), verbose: true), Is.EqualTo((200,
            "[+]ping ok\n[+]storage ok\n[+]apiserver excluded: ok\n[+]shutdown ok\nreadyz check passed\n")));
    }

    private static NodeAgentOptions Valid() => new() { DataDir = "/d", CertDir = "/c", BindAddress = "127.0.0.1", SecurePort = 8443, NodeName = "node-1" };
}
