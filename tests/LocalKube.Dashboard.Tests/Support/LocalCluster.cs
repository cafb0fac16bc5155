using System.Text;
using System.Text.Json;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Dashboard.Upstream;
using LocalKube.Testing;

namespace LocalKube.Dashboard.Tests;

/// <summary>
/// A real cluster for the browser tests: the published CLI's <c>localkube start --driver process</c> in a private
/// HOME, LOCALKUBE_HOME and KUBECONFIG, the real kubectl, and <c>localkube dashboard --url</c> running beside it as
/// a user would run it. The scheduler, the controllers and the kubelet run: pods run on the process driver's simulated
/// runtime (no containers; <c>simulated.localkube.io/*</c> annotations script exits, probes and logs).
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalCluster? _shared;

    private readonly TempDirectory _dir = new("lkdash");
    private ProcessRun? _dashboard;

    private LocalCluster(string profile)
    {
        Profile = profile;
        Directory.CreateDirectory(_dir.Combine("home", ".kube"));
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = _dir.Combine("home"),
            ["LOCALKUBE_HOME"] = _dir.Combine("home", ".localkube"),
            ["KUBECONFIG"] = _dir.Combine("home", ".kube", "config"),
            ["LOCALKUBE_ASSETS"] = RepoPaths.Artifacts,
            ["TERM"] = "dumb",
        };
    }

    public string Profile { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The printed link, secret included.</summary>
    public Uri DashboardUrl { get; private set; } = null!;

    public Uri BaseUrl => new(DashboardUrl.GetLeftPart(UriPartial.Authority) + "/");

    public KubeApi Api { get; private set; } = null!;

    public ProcessRun Dashboard => _dashboard!;

    /// <summary>The cluster most fixtures share (started once per run).</summary>
    public static async Task<LocalCluster> SharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await StartAsync("dashboard");
        }
        finally
        {
            Gate.Release();
        }
    }

    internal static async Task DisposeSharedAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }
    }

    public static async Task<LocalCluster> StartAsync(string prefix)
    {
        if (!File.Exists(RepoPaths.Cli))
        {
            Assert.Fail($"{RepoPaths.Cli} is missing: run './build.sh --target=Publish' first (build.cake's Test does).");
        }

        var cluster = new LocalCluster($"{prefix}-{Guid.NewGuid().ToString("N")[..6]}");
        try
        {
            var (code, stdout, stderr) = await cluster.LocalKubeAsync("start", "--driver", "process", "-p", cluster.Profile);
            Assert.That(code, Is.Zero, stdout + stderr);
            await cluster.ConnectApiAsync();
            await cluster.StartDashboardAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>localkube ARGS</c> to completion.</summary>
    public Task<(int Code, string Stdout, string Stderr)> LocalKubeAsync(params string[] args) =>
        ProcessRun.RunAsync(RepoPaths.Cli, args, Environment, TimeSpan.FromMinutes(2));

    /// <summary>Starts <c>localkube ARGS</c> without waiting.</summary>
    public ProcessRun StartLocalKube(params string[] args) => ProcessRun.Start(RepoPaths.Cli, args, Environment);

    /// <summary>Runs the real kubectl against this cluster's context; its stdout without the final newline.</summary>
    public async Task<string> KubectlAsync(params string[] args)
    {
        var (code, stdout, stderr) = await ProcessRun.RunAsync("kubectl", ["--context", Profile, .. args], Environment, TimeSpan.FromMinutes(1));
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {stdout}{stderr}");
        return stdout.TrimEnd('\n');
    }

    /// <summary>A raw API call as the profile's admin (JSON in, JSON out), asserting success.</summary>
    public async Task<JsonDocument> SendAsync(HttpMethod method, string path, object? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, contentType);
        }

        using var response = await Api.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    public async Task CreateNamespaceAsync(string name) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/namespaces", new { apiVersion = "v1", kind = "Namespace", metadata = new { name } })).Dispose();

    /// <summary>Starts (or restarts) <c>localkube dashboard --url</c> and reads the link it prints.</summary>
    public async Task StartDashboardAsync()
    {
        _dashboard?.Dispose();
        _dashboard = StartLocalKube("dashboard", "--url", "-p", Profile);
        var line = await _dashboard.WaitForLineAsync(l => l.StartsWith("http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.That(line, Is.Not.Null, $"no URL printed: {_dashboard.Stdout}{_dashboard.Stderr}");
        DashboardUrl = new Uri(line!);
    }

    public async ValueTask DisposeAsync()
    {
        _dashboard?.Dispose();
        Api?.Dispose();
        try
        {
            await LocalKubeAsync("delete", "-p", Profile);
        }
        catch (TimeoutException e)
        {
            TestContext.Progress.WriteLine(e.Message);
        }

        _dir.Dispose();
    }

    private async Task ConnectApiAsync()
    {
        var paths = new LocalKubePaths(Environment["LOCALKUBE_HOME"]);
        var config = await new ProfileStore(paths).LoadAsync(Profile, CancellationToken.None)
            ?? throw new InvalidOperationException($"profile {Profile} has no config");
        Api = new KubeApi(UpstreamLoader.FromProfileCertificates(paths.CertsDirectory(Profile), config.ApiServerPort));
    }
}
