namespace LocalKube.IntegrationTests;

[TestFixture]
[Category("E2E")]
public sealed class ProcessLifecycleTests : LifecycleTests
{
    protected override string Driver => "process";

    protected override async Task WriteMarkerAsync(LocalKubeEnvironment env, string profile, string content) =>
        await File.WriteAllTextAsync(Path.Combine(MachineDirectory(env, profile), "data", "marker"), content);

    protected override async Task<string?> ReadMarkerAsync(LocalKubeEnvironment env, string profile)
    {
        var path = Path.Combine(MachineDirectory(env, profile), "data", "marker");
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
    }

    protected override async Task KillAgentAsync(LocalKubeEnvironment env, string profile)
    {
        var pidFile = Path.Combine(MachineDirectory(env, profile), "agent.pid");
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync();
    }

    protected override Task AssertStoppedAsync(string profile) => Task.CompletedTask;

    protected override Task AssertGoneAsync(string profile)
    {
        var survivors = System.Diagnostics.Process.GetProcessesByName("localkube-node")
            .Where(p => File.Exists($"/proc/{p.Id}/cmdline") && File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(profile, StringComparison.Ordinal))
            .ToList();
        Assert.That(survivors, Is.Empty, "no agent process of the profile survives delete");
        return Task.CompletedTask;
    }

    private static string MachineDirectory(LocalKubeEnvironment env, string profile) =>
        Path.Combine(env.ProfileDirectory(profile), "machines", profile);
}
