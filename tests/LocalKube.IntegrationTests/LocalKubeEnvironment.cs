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

    /// <summary>
    /// Runs kubectl <paramref name="version"/> (the dispatcher's pinned binary, e.g. <c>1.27</c>, SPDY era; null: the
    /// one on PATH) with <paramref name="stdin"/> as its standard input.
    /// </summary>
    public Task<BufferedCommandResult> KubectlAsync(string? version, IEnumerable<string> args, PipeSource? stdin = null, CancellationToken cancellationToken = default) =>
        RunAsync(KubectlBinary(version), $"kubectl{version}", args, cancellationToken, stdin);

    /// <summary>The pinned kubectl of the Google Cloud CLI dispatcher (kubectl.1.27 ... kubectl.1.33), or PATH's.</summary>
    public static string KubectlBinary(string? version)
    {
        if (version is null)
        {
            return "kubectl";
        }

        var pinned = System.IO.Path.Combine("/usr/lib/google-cloud-sdk/bin", "kubectl." + version);
        Assert.That(File.Exists(pinned), Is.True, $"kubectl {version} is not installed ({pinned}); the dispatcher provides it");
        return pinned;
    }

    /// <summary>Starts the CLI as a raw process in this environment (for tests that kill it or read it as a stream).</summary>
    public Process StartLocalKube(params string[] args) => Start(Assets.Cli, args);

    /// <summary>Starts kubectl as a raw process in this environment (watches and waits read as streams).</summary>
    public Process StartKubectl(params string[] args) => Start("kubectl", args);

    /// <summary>Starts kubectl <paramref name="version"/> with its standard input open (the caller kills it).</summary>
    public Process StartPinnedKubectl(string? version, params string[] args) => Start(KubectlBinary(version), args, stdin: true);

    /// <summary>The environment variables of this user, as <c>NAME=value</c> (for a command run by another program, e.g. tmux).</summary>
    public IEnumerable<string> EnvironmentAssignments() => Variables().Select(v => $"{v.Key}={v.Value}");

    private Process Start(string program, string[] args, bool stdin = false)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin };
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
