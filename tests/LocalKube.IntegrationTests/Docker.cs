using CliWrap;
using CliWrap.Buffered;

namespace LocalKube.IntegrationTests;

/// <summary>The docker CLI, for asserting what the driver left behind.</summary>
public static class Docker
{
    public static async Task<string> RunAsync(params string[] args)
    {
        var result = await Cli.Wrap("docker").WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : throw new InvalidOperationException($"docker {string.Join(' ', args)}: {result.StandardError}");
    }

    /// <summary>Names of every container, volume and network labelled with the profile.</summary>
    public static async Task<IReadOnlyList<string>> LabelledAsync(string profile)
    {
        var filter = $"label=io.localkube.profile={profile}";
        var containers = await RunAsync("ps", "-a", "--filter", filter, "--format", "{{.Names}}");
        var volumes = await RunAsync("volume", "ls", "--filter", filter, "--format", "{{.Name}}");
        var networks = await RunAsync("network", "ls", "--filter", filter, "--format", "{{.Name}}");
        return new[] { containers, volumes, networks }
            .SelectMany(s => s.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
    }
}
