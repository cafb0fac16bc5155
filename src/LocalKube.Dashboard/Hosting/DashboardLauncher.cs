using System.Diagnostics;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Dashboard.Upstream;
using LocalKube.Dashboard.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Dashboard.Hosting;

/// <summary>
/// <c>localkube dashboard</c>: reuse this profile's running dashboard, or start one on its remembered port, check the
/// cluster answers, print the link (stdout) and run until Ctrl+C. Nothing is created in the cluster.
/// </summary>
public sealed class DashboardLauncher(LocalKubePaths paths, ProfileStore profiles, TextWriter stdout, TextWriter stderr, ILoggerFactory? loggers = null)
{
    /// <summary>Where a link goes when the user did not ask for <c>--url</c>.</summary>
    public Func<Uri, bool> OpenBrowser { get; init; } = TryOpenBrowser;

    /// <summary>Started; the tests and the benchmark read the URL from here as well as from stdout.</summary>
    public event Action<DashboardServer>? Started;

    public async Task<int> RunAsync(string profile, bool urlOnly, int? port, CancellationToken cancellationToken)
    {
        ProfileName.Validate(profile);
        var config = await profiles.LoadAsync(profile, cancellationToken)
            ?? throw new LocalKubeException(Reasons.ProfileNotFound, $"Profile \"{profile}\" not found. Run \"localkube profile list\" to view all profiles.");
        var stateFile = new DashboardStateFile(Path.Combine(paths.ProfileDirectory(profile), "dashboard.json"));
        var state = await stateFile.ReadAsync(cancellationToken);

        if (port is null && await RunningUrlAsync(state, cancellationToken) is { } existing)
        {
            stderr.WriteLine($"The dashboard of \"{profile}\" is already running (pid {state!.Pid}).");
            Announce(existing, urlOnly);
            return 0;
        }

        var upstream = await UpstreamLoader.FromKubeconfigAsync(KubeconfigLocator.Resolve(), profile, cancellationToken)
            ?? UpstreamLoader.FromProfileCertificates(paths.CertsDirectory(profile), config.ApiServerPort);
        // Listen and ask the API server at the same time: a healthy start prints the link as soon as both are done,
        // and a stopped cluster is reported as soon as its port refuses (without waiting on Kestrel first).
        var probe = ProbeAsync(upstream, cancellationToken);
        var server = await StartOnAsync(profile, upstream, port, state?.Port, cancellationToken);
        await using (server)
        {
            var health = await probe;
            // A refused or failed connection means the cluster is down: say so at once. No answer within the probe's
            // deadline is a busy machine more often than a dead cluster: serve anyway, the page shows the banner
            // until the API server answers.
            if (!health.Reachable && health.Message == ClusterHealth.TimedOut)
            {
                stderr.WriteLine($"The API server at {upstream.Server} is slow to answer; serving anyway (the page shows when it is reachable).");
            }
            else if (!health.Reachable)
            {
                throw new LocalKubeException(Reasons.GuestNotRunning,
                    $"The \"{profile}\" cluster is not running: its API server at {upstream.Server} does not answer ({health.Message}). Start it with 'localkube start -p {profile}'.");
            }

            await stateFile.WriteAsync(new DashboardState { Port = server.Port, Pid = Environment.ProcessId, Url = server.Url.ToString() }, cancellationToken);
            Started?.Invoke(server);
            Announce(server.Url, urlOnly);
            stderr.WriteLine($"Serving the dashboard of \"{profile}\" on 127.0.0.1:{server.Port}. Press Ctrl+C to stop it.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the way a foreground dashboard ends.
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(stopping.Token);
            await stateFile.WriteAsync(new DashboardState { Port = server.Port }, CancellationToken.None);
            stderr.WriteLine("dashboard stopped; the cluster keeps running");
            return 0;
        }
    }

    private static async Task<HealthSnapshot> ProbeAsync(UpstreamEndpoint upstream, CancellationToken cancellationToken)
    {
        using var api = new KubeApi(upstream);
        return await new ClusterHealth(api, TimeProvider.System, NullLogger<ClusterHealth>.Instance).ProbeAsync(cancellationToken);
    }

    private async Task<DashboardServer> StartOnAsync(string profile, UpstreamEndpoint upstream, int? asked, int? remembered, CancellationToken cancellationToken)
    {
        DashboardServerOptions Options(int port) => new() { Profile = profile, Upstream = upstream, Port = port, LoggerFactory = loggers };
        if (asked is not null || remembered is null or 0)
        {
            return await DashboardServer.StartAsync(Options(asked ?? 0), cancellationToken);
        }

        try
        {
            // The same port as last time keeps old tabs and bookmarks working.
            return await DashboardServer.StartAsync(Options(remembered.Value), cancellationToken);
        }
        catch (LocalKubeException e) when (e.Reason == Reasons.DashboardPortInUse)
        {
            return await DashboardServer.StartAsync(Options(0), cancellationToken);
        }
    }

    private void Announce(Uri url, bool urlOnly)
    {
        stdout.WriteLine(url);
        stdout.Flush();
        if (!urlOnly && !OpenBrowser(url))
        {
            stderr.WriteLine("Open the link above in a browser (no browser could be started from here).");
        }
    }

    /// <summary>The link of a dashboard that still runs for this profile, if any.</summary>
    private static async Task<Uri?> RunningUrlAsync(DashboardState? state, CancellationToken cancellationToken)
    {
        if (state?.Pid is not { } pid || state.Url is null || pid == Environment.ProcessId || !IsAlive(pid))
        {
            return null;
        }

        var url = new Uri(state.Url);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            using var response = await http.GetAsync(new Uri(url, "/api/healthz" + url.Query), cancellationToken);
            return response.IsSuccessStatusCode ? url : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool TryOpenBrowser(Uri url)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer.exe" : "xdg-open";
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("DISPLAY") is null && Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is null)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, url.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
