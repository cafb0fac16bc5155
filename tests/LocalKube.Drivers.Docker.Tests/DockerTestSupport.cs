using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>Shared helpers: repository paths, unique profiles, free ports, a fake agent bundle.</summary>
internal static class DockerTestSupport
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalKube.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LocalKube.sln not found above the test folder.");
    });

    public static string RepositoryRoot => Root.Value;

    public static string RecipeDirectory => Path.Combine(RepositoryRoot, "images", "node");

    public static DockerDriverOptions Options() => new() { RecipeDirectory = RecipeDirectory };

    /// <summary>A unique profile name (<c>lkt-</c> + 8 hex) so parallel runs never share Docker objects.</summary>
    public static string NewProfile() => $"lkt-{Guid.NewGuid():N}"[..12];

    public static MachineRef Machine(string profile, TempDirectory state) => new(profile, profile, state.Combine("machines", profile));

    public static MachineSpec Spec(MachineRef machine, int apiPort, params PortMapping[] ports) =>
        new(machine, Cpus: 1, MemoryMiB: 1024, ApiServerHostPort: apiPort, Ports: ports, BaseImage: null);

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A client for assertions, on the same engine the driver finds by default.</summary>
    public static DockerClient Client()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var uri = string.IsNullOrEmpty(host) ? new Uri("unix:///var/run/docker.sock") : new Uri(host);
        return new DockerClientConfiguration(uri).CreateClient();
    }

    /// <summary>
    /// A fake agent bundle: a <c>localkube-node</c> sh script that follows the agent contract (pid file, JSON log lines
    /// in <c>&lt;data-dir&gt;/logs/agent.log</c>, SIGTERM ends it cleanly and logs "stopped").
    /// </summary>
    public static string FakeAgentBundle(TempDirectory temp)
    {
        var dir = temp.Combine("bundle");
        Directory.CreateDirectory(dir);
        var script = Path.Combine(dir, "localkube-node");
        File.WriteAllText(script, """
            #!/bin/sh
            # Fake node agent for driver tests.
            args="$*"
            data=/tmp/fake-agent; pidfile=
            while [ $# -gt 0 ]; do
              case "$1" in
                --data-dir) data=$2; shift 2 ;;
                --pid-file) pidfile=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            [ -n "$pidfile" ] || pidfile=$data/agent.pid
            mkdir -p "$data/logs" "$(dirname "$pidfile")"
            log() {
              printf '{"time":"%s","level":"Information","category":"FakeAgent","eventId":0,"message":"%s","exception":null}\n' \
                "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$1" >>"$data/logs/agent.log"
            }
            trap 'log stopped; rm -f "$pidfile"; exit 0' TERM
            echo $$ >"$pidfile"
            log "started $args"
            while :; do sleep 1 & wait $!; done
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }
        File.WriteAllText(Path.Combine(dir, "README.txt"), "fake bundle\n");
        return dir;
    }

    /// <summary>A progress sink that writes to the test output.</summary>
    public static IProgress<string> Progress() => new SyncProgress(line => NUnit.Framework.TestContext.Progress.WriteLine(line));

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
