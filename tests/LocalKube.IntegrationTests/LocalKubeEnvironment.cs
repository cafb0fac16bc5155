using System.Text;
using CliWrap;
using CliWrap.Buffered;
using CliWrap.Builders;
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

    public async Task<BufferedCommandResult> LocalKubeAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(Assets.Cli)
            .WithArguments(args)
            .WithEnvironmentVariables(Env)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken);
        TestContext.Progress.WriteLine($"$ localkube {string.Join(' ', args)} -> {result.ExitCode} ({result.RunTime.TotalSeconds:0.0}s)");
        return result;
    }

    public Task<BufferedCommandResult> KubectlAsync(params string[] args) => KubectlAsync(args, CancellationToken.None);

    public async Task<BufferedCommandResult> KubectlAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap("kubectl")
            .WithArguments(args)
            .WithEnvironmentVariables(Env)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken);
        TestContext.Progress.WriteLine($"$ kubectl {string.Join(' ', args)} -> {result.ExitCode}");
        return result;
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

    private void Env(EnvironmentVariablesBuilder env)
    {
        env.Set("HOME", Home)
            .Set("LOCALKUBE_HOME", LocalKubeHome)
            .Set("KUBECONFIG", Kubeconfig)
            .Set("LOCALKUBE_ASSETS", Assets.Root)
            .Set("TERM", "dumb");
        foreach (var (key, value) in Environment)
        {
            env.Set(key, value);
        }
    }
}
