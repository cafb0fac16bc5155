using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

/// <summary>
/// A black-box user of the published CLI: its own HOME, LOCALKUBE_HOME and KUBECONFIG, so tests never touch the
/// developer's files and never see each other's. Runs <c>artifacts/bin/localkube</c> and the real kubectl.
/// </summary>
public sealed class LocalKubeEnvironment : IAsyncDisposable
{
    private readonly TempDirectory _root = new("lke2e");
    private readonly List<string> _profiles = [];

    public LocalKubeEnvironment()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(System.IO.Path.Combine(Home, ".kube"));
    }

    public string Home => _root.Combine("home");

    public string LocalKubeHome => _root.Combine("home", ".localkube");

    public string Kubeconfig => _root.Combine("home", ".kube", "config");

    public string ProfileDirectory(string profile) => System.IO.Path.Combine(LocalKubeHome, "profiles", profile);

    /// <summary>Extra environment for every command (e.g. a broken DOCKER_HOST).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>Registers a profile for deletion on dispose and returns it.</summary>
    public string Profile(string prefix = "e2e")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        _profiles.Add(name);
        return name;
    }

    public Task<BufferedCommandResult> LocalKubeAsync(params string[] args) => LocalKubeAsync(args, CancellationToken.None);

    public Task<BufferedCommandResult> LocalKubeAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        RunAsync(Assets.Cli, "localkube", args, cancellationToken);

    /// <summary>Runs the CLI with <paramref name="stdin"/> as its standard input.</summary>
    public Task<BufferedCommandResult> LocalKubeAsync(IEnumerable<string> args, PipeSource stdin, CancellationToken cancellationToken) =>
        RunAsync(Assets.Cli, "localkube", args, cancellationToken, stdin);

    public Task<BufferedCommandResult> KubectlAsync(params string[] args) => KubectlAsync(args, CancellationToken.None);

    public Task<BufferedCommandResult> KubectlAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        RunAsync("kubectl", "kubectl", args, cancellationToken);

    /// <summary>Starts the CLI as a raw process in this environment (for tests that kill it or read it as a stream).</summary>
    public Process StartLocalKube(params string[] args) => Start(Assets.Cli, args);

    /// <summary>Starts kubectl as a raw process in this environment (watches and waits read as streams).</summary>
    public Process StartKubectl(params string[] args) => Start("kubectl", args);

    private Process Start(string program, string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in Variables())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var profile in _profiles)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await LocalKubeAsync(["delete", "-p", profile], cts.Token);
            }
            catch (OperationCanceledException)
            {
                TestContext.Progress.WriteLine($"cleanup of {profile} timed out");
            }
        }

        _root.Dispose();
    }

    private async Task<BufferedCommandResult> RunAsync(string program, string name, IEnumerable<string> args, CancellationToken cancellationToken, PipeSource? stdin = null)
    {
        var list = args.ToList();
        var result = await Cli.Wrap(program)
            .WithArguments(list)
            .WithStandardInputPipe(stdin ?? PipeSource.Null)
            .WithEnvironmentVariables(Variables().ToDictionary(v => v.Key, v => v.Value))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken);
        TestContext.Progress.WriteLine($"$ {name} {string.Join(' ', list)} -> {result.ExitCode} ({result.RunTime.TotalSeconds:0.0}s)");
        return result;
    }

    /// <summary>The environment every command of this user gets: its own home, kubeconfig and assets, plus overrides.</summary>
    private IEnumerable<KeyValuePair<string, string?>> Variables()
    {
        yield return new("HOME", Home);
        yield return new("LOCALKUBE_HOME", LocalKubeHome);
        yield return new("KUBECONFIG", Kubeconfig);
        yield return new("LOCALKUBE_ASSETS", Assets.Root);
        yield return new("TERM", "dumb");
        foreach (var pair in Environment)
        {
            yield return pair;
        }
    }
}
