using System.Diagnostics;
using System.Text.Json;
using LocalKube.Node.Storage.Tests.Conformance;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Etcdctl;

/// <summary>Debian's etcdctl 3.4 (ETCDCTL_API=3) against our storage server: the commands users and scripts run.</summary>
public sealed class EtcdctlSmokeTests
{
    private TempDirectory _dir = null!;
    private RunningStorageServer _server = null!;
    private string _url = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        EtcdProcess.RequireInstalled("etcdctl");
        _dir = new TempDirectory("lk-ctl");
        _server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = _dir.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            AutoCompactionRetention = TimeSpan.Zero,
            LoggerFactory = NullLoggerFactory.Instance,
        }, CancellationToken.None);
        _url = _server.Urls[0];
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _dir?.Dispose();
    }

    private async Task<string> RunAsync(string stdin, params string[] args)
    {
        var (code, output, error) = await RunAtAsync(stdin, _url, args);
        Assert.That(code, Is.Zero, $"etcdctl {string.Join(' ', args)} failed: {error}");
        return output;
    }

    private Task<(int Code, string Output, string Error)> RunRawAsync(string stdin, params string[] args) => RunAtAsync(stdin, _url, args);

    private async Task<(int Code, string Output, string Error)> RunAtAsync(string stdin, string endpoint, params string[] args)
    {
        var psi = new ProcessStartInfo(EtcdProcess.FindBinary("etcdctl")!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["ETCDCTL_API"] = "3";
        psi.ArgumentList.Add("--endpoints");
        psi.ArgumentList.Add(endpoint);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output, await error);
    }

    [Test]
    public async Task Put_get_prefix_rev_json_and_del()
    {
        Assert.That(await RunAsync("", "put", "/s/a", "1"), Is.EqualTo("OK\n"));
        var put2 = await RunAsync("", "put", "/s/a", "2");
        Assert.That(put2, Is.EqualTo("OK\n"));
        await RunAsync("", "put", "/s/b", "3");
        Assert.That(await RunAsync("", "get", "/s/a"), Is.EqualTo("/s/a\n2\n"));
        Assert.That(await RunAsync("", "get", "/s/", "--prefix"), Is.EqualTo("/s/a\n2\n/s/b\n3\n"));

        using var json = JsonDocument.Parse(await RunAsync("", "get", "/s/a", "-w", "json"));
        var kv = json.RootElement.GetProperty("kvs")[0];
        var mod = kv.GetProperty("mod_revision").GetInt64();
        Assert.Multiple(() =>
        {
            Assert.That(kv.GetProperty("key").GetString(), Is.EqualTo(Convert.ToBase64String("/s/a"u8)));
            Assert.That(kv.GetProperty("version").GetInt64(), Is.EqualTo(2));
            Assert.That(json.RootElement.GetProperty("header").GetProperty("revision").GetInt64(), Is.GreaterThan(mod));
        });
        Assert.That(await RunAsync("", "get", "/s/a", "--rev", (mod - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo("/s/a\n1\n"));
        Assert.That(await RunAsync("", "del", "/s/", "--prefix"), Is.EqualTo("2\n"));
        Assert.That(await RunAsync("", "get", "/s/", "--prefix"), Is.Empty);
    }

    [Test]
    public async Task Txn_from_stdin()
    {
        await RunAsync("", "put", "/t/foo", "bar");
        var output = await RunAsync("mod(\"/t/foo\") > \"0\"\n\nput /t/foo baz\nget /t/foo\n\nput /t/foo no\n\n", "txn");
        Assert.That(output, Is.EqualTo("SUCCESS\n\nOK\n\n/t/foo\nbaz\n"));
        var failed = await RunAsync("value(\"/t/foo\") = \"nope\"\n\nput /t/foo x\n\nget /t/foo\n\n", "txn");
        Assert.That(failed, Is.EqualTo("FAILURE\n\n/t/foo\nbaz\n"));
    }

    [Test]
    public async Task Watch_with_rev_and_prefix()
    {
        await RunAsync("", "put", "/w/a", "1");
        using var json = JsonDocument.Parse(await RunAsync("", "get", "/w/a", "-w", "json"));
        var rev = json.RootElement.GetProperty("kvs")[0].GetProperty("mod_revision").GetInt64();
        await RunAsync("", "put", "/w/b", "2");
        await RunAsync("", "del", "/w/a");

        var psi = new ProcessStartInfo(EtcdProcess.FindBinary("etcdctl")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["ETCDCTL_API"] = "3";
        foreach (var arg in new[] { "--endpoints", _url, "watch", "/w/", "--prefix", "--rev", rev.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (lines.Count < 8)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                break;
            }

            lines.Add(line);
            if (lines.Count == 6)
            {
                // History is in; now a live event.
                await RunAsync("", "put", "/w/c", "3");
            }
        }

        process.Kill();
        await process.WaitForExitAsync(CancellationToken.None);
        Assert.That(lines, Is.EqualTo(new[] { "PUT", "/w/a", "1", "PUT", "/w/b", "2", "DELETE", "/w/a" }).Or.EqualTo(new[] { "PUT", "/w/a", "1", "PUT", "/w/b", "2", "DELETE", "/w/a" }));
    }

    [Test]
    public async Task Lease_grant_keepalive_timetolive_and_revoke()
    {
        var grant = await RunAsync("", "lease", "grant", "60");
        Assert.That(grant, Does.Match("^lease [0-9a-f]{16} granted with TTL\\(60s\\)\n$"));
        var id = grant.Split(' ')[1];
        await RunAsync("", "put", "/l/k", "v", "--lease", id);
        Assert.That(await RunAsync("", "lease", "timetolive", id, "--keys"), Does.Match($"^lease {id} granted with TTL\\(60s\\), remaining\\((59|60)s\\), attached keys\\(\\[/l/k\\]\\)\n$"));
        Assert.That(await RunAsync("", "lease", "keep-alive", "--once", id), Is.EqualTo($"lease {id} keepalived with TTL(60)\n"));
        Assert.That(await RunAsync("", "lease", "revoke", id), Is.EqualTo($"lease {id} revoked\n"));
        Assert.That(await RunAsync("", "get", "/l/k"), Is.Empty);
        Assert.That(await RunAsync("", "lease", "timetolive", id), Is.EqualTo($"lease {id} already expired\n"));
        var (code, _, error) = await RunRawAsync("", "lease", "revoke", id);
        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("etcdserver: requested lease not found"));
    }

    [Test]
    public async Task Compaction_and_endpoint_status()
    {
        await RunAsync("", "put", "/c/a", "1");
        await RunAsync("", "put", "/c/a", "2");
        using var json = JsonDocument.Parse(await RunAsync("", "get", "/c/a", "-w", "json"));
        var rev = json.RootElement.GetProperty("kvs")[0].GetProperty("mod_revision").GetInt64();
        Assert.That(await RunAsync("", "compaction", rev.ToString(System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo($"compacted revision {rev}\n"));
        var (code, _, error) = await RunRawAsync("", "get", "/c/a", "--rev", (rev - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("etcdserver: mvcc: required revision has been compacted"));

        // etcdctl 3.4 dials Maintenance.Status with ":authority: http://HOST:PORT" when the endpoint has a scheme;
        // both forms must work (the server repairs that authority, see AuthorityRewriter).
        var hostPort = _url["http://".Length..];
        var (bareCode, bare, bareError) = await RunAtAsync("", hostPort, "endpoint", "status");
        Assert.That(bareCode, Is.Zero, bareError);
        Assert.That(bare, Does.StartWith($"{hostPort}, ").And.Contain(", 3.4.0, "));
        var status = await RunAsync("", "endpoint", "status");
        Assert.That(status, Does.StartWith($"{_url}, ").And.Contain(", 3.4.0, "));
        using var statusJson = JsonDocument.Parse(await RunAsync("", "endpoint", "status", "-w", "json"));
        var s = statusJson.RootElement[0].GetProperty("Status");
        Assert.That(s.GetProperty("header").GetProperty("revision").GetInt64(), Is.GreaterThanOrEqualTo(rev));
        Assert.That(s.GetProperty("dbSize").GetInt64(), Is.GreaterThan(0));
        // etcdctl 3.4 prints the health line on stderr.
        var (healthCode, healthOut, healthErr) = await RunRawAsync("", "endpoint", "health");
        Assert.That(healthCode, Is.Zero);
        Assert.That(healthOut + healthErr, Does.Contain("is healthy: successfully committed proposal"));
        Assert.That(await RunAsync("", "member", "list"), Does.Contain("localkube"));
    }
}
