using LocalKube.Node.Hosting;
using LocalKube.Testing;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Client.Tests;

/// <summary>Typed component settings: a bad <c>--extra-config</c> value stops the agent at start with its key named.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ComponentSettingsTests
{
    private static readonly NodeComponent Demo = new("demo");

    [TestCase("flag", "yes", "--extra-config demo.flag=yes: must be true or false")]
    [TestCase("count", "ten", "--extra-config demo.count=ten: must be a whole number")]
    [TestCase("count", "0", "--extra-config demo.count=0: must be between 1 and 100")]
    [TestCase("count", "101", "--extra-config demo.count=101: must be between 1 and 100")]
    [TestCase("period", "5 minutes", "--extra-config demo.period=5 minutes: must be a duration such as 30s, 5m0s or 0")]
    [TestCase("period", "5", "--extra-config demo.period=5: must be a duration such as 30s, 5m0s or 0")]
    [TestCase("period", "-1s", "--extra-config demo.period=-1s: must not be negative")]
    [TestCase("urls", "http://127.0.0.1:2379,ftp://x", "--extra-config demo.urls=http://127.0.0.1:2379,ftp://x: 'ftp://x' is not an http(s) URL")]
    [TestCase("urls", "127.0.0.1:2379", "--extra-config demo.urls=127.0.0.1:2379: '127.0.0.1:2379' is not an http(s) URL")]
    public void A_value_that_does_not_fit_its_type_is_an_error_naming_the_key(string key, string value, string error)
    {
        var settings = Settings($"demo.{key}={value}");
        Assert.That(settings.Errors, Is.EqualTo(new[] { error }));
    }

    [TestCase("flag", "True")]
    [TestCase("count", "42")]
    [TestCase("period", "1h30m")]
    [TestCase("period", "0")]
    [TestCase("urls", "")]
    [TestCase("urls", "http://127.0.0.1:2379, https://[::1]:2379")]
    [TestCase("free", "anything at all")]
    public void Values_that_fit_are_taken(string key, string value) =>
        Assert.That(Settings($"demo.{key}={value}").Errors, Is.Empty);

    [Test]
    public void Typed_reads_return_the_values_or_the_defaults()
    {
        var settings = Settings("demo.period=1m30s", "demo.flag=false");
        Assert.Multiple(() =>
        {
            Assert.That(settings.GetDuration(Demo, "period"), Is.EqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(settings.GetBoolean(Demo, "flag"), Is.False);
            Assert.That(settings.GetInteger(Demo, "count"), Is.EqualTo(10));
            Assert.That(settings.GetList(Demo, "urls"), Is.EqualTo(new[] { "http://a", "http://b" }));
            Assert.That(settings.GetDuration(Demo, "missing"), Is.Null);
        });
    }

    [Test]
    public async Task The_agent_refuses_to_start_with_a_bad_setting_and_names_every_bad_key()
    {
        using var dir = new TempDirectory("lk-settings");
        var options = new NodeAgentOptions
        {
            DataDir = dir.Combine("data"),
            CertDir = dir.Combine("certs"),
            BindAddress = "127.0.0.1",
            SecurePort = Testing.TestAgent.FreePort(),
            NodeName = "n1",
            ContainerRuntime = "simulated",
        };
        options.ExtraConfig.Add("apiserver.etcd-compaction-interval=soon");
        options.ExtraConfig.Add("storage.allow-external=maybe");
        options.ExtraConfig.Add("kubelet.sync-frequency=0s");
        options.ExtraConfig.Add("kubelet.pod-cidr=10.0.0.0/31");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int code;
        using (var host = NodeAgentHost.CreateBuilder(options, console: false).Build())
        {
            code = await NodeAgentHost.RunAsync(host, timeout.Token);
        }


        var log = await File.ReadAllTextAsync(options.LogFile);
        Assert.That(code, Is.EqualTo(NodeExitStatus.InvalidUsage), log);
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("--extra-config apiserver.etcd-compaction-interval=soon: must be a duration"));
            Assert.That(log, Does.Contain("--extra-config storage.allow-external=maybe: must be true or false"));
            Assert.That(log, Does.Contain("kubelet.sync-frequency='0s' is not a positive duration"));
            Assert.That(log, Does.Contain("kubelet.pod-cidr='10.0.0.0/31' is not an IPv4 CIDR"));
            Assert.That(log, Does.Not.Contain("Storage open"), "no component started");
        });
    }

    private static NodeSettings Settings(params string[] extraConfig)
    {
        var options = new NodeAgentOptions { DataDir = "/d", CertDir = "/c", NodeName = "n1" };
        foreach (var entry in extraConfig)
        {
            options.ExtraConfig.Add(entry);
        }

        return new NodeSettings(Options.Create(options),
        [
            new NodeSettingDefault(Demo, "flag", "true") { Kind = NodeSettingKind.Boolean },
            new NodeSettingDefault(Demo, "count", "10") { Kind = NodeSettingKind.Integer, Minimum = 1, Maximum = 100 },
            new NodeSettingDefault(Demo, "period", "30s") { Kind = NodeSettingKind.Duration },
            new NodeSettingDefault(Demo, "urls", "http://a, http://b") { Kind = NodeSettingKind.UrlList },
            new NodeSettingDefault(Demo, "free", ""),
        ]);
    }
}
