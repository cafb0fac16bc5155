using System.Diagnostics;
using System.Runtime.Versioning;
using LocalKube.Node.Networking.Proxy;

namespace LocalKube.Node.Networking.Tests;

/// <summary>
/// The proxy's FORWARD jumps against a dockerd that inserts its bridge rules ahead of them (it does when it makes the
/// pod network after the proxy started, or restarts), in a network namespace of the test's own with the real
/// iptables. Needs root and iproute2, as CI has; it fails rather than skips without them.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class IptablesOrderTests
{
    private string _namespace = "";
    private string _bin = "";
    private Iptables _iptables = null!;

    [SetUp]
    public async Task MakeNamespace()
    {
        _namespace = $"lk-ipt-{Environment.ProcessId}";
        await RunAsync("ip", "netns", "add", _namespace);
        _bin = Directory.CreateTempSubdirectory("lk-ipt-").FullName;
        foreach (var tool in new[] { "iptables", "iptables-restore" })
        {
            var path = Path.Combine(_bin, tool);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\nexec ip netns exec {_namespace} {tool} \"$@\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _iptables = new Iptables(Path.Combine(_bin, "iptables"), Path.Combine(_bin, "iptables-restore"));
    }

    [TearDown]
    public async Task DeleteNamespace()
    {
        await RunAsync("ip", "netns", "del", _namespace);
        Directory.Delete(_bin, recursive: true);
    }

    [Test]
    public async Task DockersBridgeRulesInsertedAheadAreMovedBehindTheKubeJumps()
    {
        await IptablesAsync("-N", "KUBE-SERVICES");
        await IptablesAsync("-N", "KUBE-FORWARD");
        await _iptables.EnsureRuleAsync("filter", "FORWARD", ["-m", "comment", "--comment", "kubernetes forwarding rules", "-j", "KUBE-FORWARD"], CancellationToken.None);
        await _iptables.EnsureRuleAsync("filter", "FORWARD", ["-m", "conntrack", "--ctstate", "NEW", "-j", "KUBE-SERVICES"], CancellationToken.None);
        Assert.That(await _iptables.KeepKubeJumpsFirstAsync("filter", "FORWARD", CancellationToken.None), Is.False, "already first");

        // What dockerd programs for a new bridge network: each rule inserted at the head.
        await IptablesAsync("-I", "FORWARD", "1", "-i", "lkbr0", "!", "-o", "lkbr0", "-j", "ACCEPT");
        await IptablesAsync("-I", "FORWARD", "1", "-o", "lkbr0", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT");

        Assert.That(await _iptables.KeepKubeJumpsFirstAsync("filter", "FORWARD", CancellationToken.None), Is.True);
        Assert.That(await ForwardRulesAsync(), Is.EqualTo(new[]
        {
            "-A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES",
            "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
            "-A FORWARD -o lkbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
            "-A FORWARD -i lkbr0 ! -o lkbr0 -j ACCEPT",
        }));
        Assert.That(await _iptables.KeepKubeJumpsFirstAsync("filter", "FORWARD", CancellationToken.None), Is.False, "nothing to move twice");
    }

    [Test]
    public async Task AChainWithoutKubeJumpsIsLeftAlone()
    {
        await IptablesAsync("-A", "FORWARD", "-i", "lkbr0", "-j", "ACCEPT");
        Assert.That(await _iptables.KeepKubeJumpsFirstAsync("filter", "FORWARD", CancellationToken.None), Is.False);
        Assert.That(await ForwardRulesAsync(), Is.EqualTo(new[] { "-A FORWARD -i lkbr0 -j ACCEPT" }));
    }

    private async Task<string[]> ForwardRulesAsync() =>
        (await IptablesAsync("-S", "FORWARD")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("-A", StringComparison.Ordinal)).ToArray();

    private Task<string> IptablesAsync(params string[] args) => RunAsync(Path.Combine(_bin, "iptables"), ["-w", "5", .. args]);

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', args)}: {error}");
        return await output;
    }
}
