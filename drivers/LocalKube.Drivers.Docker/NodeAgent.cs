using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>Installs, starts, checks and reads the node agent inside a node container (paths from design.md).</summary>
internal sealed class NodeAgent(DockerDriverOptions options, TimeProvider time)
{
    public const string AgentDirectory = IsolatedNodeLayout.AgentDirectory;
    public const string CertDirectory = IsolatedNodeLayout.CertDirectory;
    public const string DataDirectory = IsolatedNodeLayout.DataDirectory;
    public const string PidFile = IsolatedNodeLayout.PidFile;
    public const string LogFile = IsolatedNodeLayout.LogFile;
    public const string ConsoleFile = IsolatedNodeLayout.ConsoleFile;

    // Alive = the pid file names a live process that is the agent (guards against pid reuse after a crash).
    private const string AliveScript =
        "pid=$(cat \"$1\" 2>/dev/null) && [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null "
        + "&& tr '\\0' ' ' </proc/\"$pid\"/cmdline 2>/dev/null | grep -q localkube-node";

    // SIGTERM, up to 10 s, then SIGKILL; mirrors localkube-init's shutdown of the agent.
    private const string StopScript =
        "pid=$(cat \"$1\" 2>/dev/null) || exit 0; [ -n \"$pid\" ] || exit 0; kill -TERM \"$pid\" 2>/dev/null || exit 0; "
        + "i=0; while kill -0 \"$pid\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
        + "kill -KILL \"$pid\" 2>/dev/null; rm -f \"$1\"; exit 0";

    /// <summary>Stops a running agent, installs what changed, and starts the agent detached.</summary>
    public async Task StartAsync(IDockerClient client, string container, AgentLaunch launch, CancellationToken cancellationToken)
    {
        await CheckAsync(client, container, "mkdir -p \"$1\" \"$2\" \"$3/logs\" /run/localkube && chmod 0700 \"$2\"",
            "prepare the agent folders", cancellationToken, AgentDirectory, CertDirectory, DataDirectory).ConfigureAwait(false);
        await StopAsync(client, container, cancellationToken).ConfigureAwait(false);

        var hash = AgentBundle.HashBundle(launch.BundleDirectory);
        var installed = await DockerExec.ShellAsync(client, container, "cat \"$1\" 2>/dev/null", cancellationToken,
            $"{AgentDirectory}/{AgentBundle.BundleHashFile}").ConfigureAwait(false);
        if (installed.Stdout.Trim() != hash)
        {
            // Start from an empty folder so files dropped from the bundle do not linger.
            await CheckAsync(client, container, "rm -rf \"$1\" && mkdir -p \"$1\"", "clear the agent folder",
                cancellationToken, AgentDirectory).ConfigureAwait(false);
            await using var bundle = await AgentBundle.BundleAsync(launch.BundleDirectory, hash, cancellationToken).ConfigureAwait(false);
            await client.Containers.ExtractArchiveToContainerAsync(container,
                new ContainerPathStatParameters { Path = AgentDirectory }, bundle, cancellationToken).ConfigureAwait(false);
        }

        await using (var files = await AgentBundle.FilesAsync(launch.Files, cancellationToken).ConfigureAwait(false))
        {
            await client.Containers.ExtractArchiveToContainerAsync(container,
                new ContainerPathStatParameters { Path = CertDirectory }, files, cancellationToken).ConfigureAwait(false);
        }

        // exec keeps the pid, so the pid the agent writes is the process the shell started.
        string[] command =
        [
            "sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", ConsoleFile,
            $"{AgentDirectory}/localkube-node", .. IsolatedNodeLayout.AgentArguments(launch.Arguments),
        ];
        var execId = await DockerExec.StartDetachedAsync(client, container, command, cancellationToken).ConfigureAwait(false);
        await WaitStartedAsync(client, container, execId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the agent if it runs (SIGTERM, then SIGKILL after 10 s).</summary>
    public async Task StopAsync(IDockerClient client, string container, CancellationToken cancellationToken) =>
        await DockerExec.ShellAsync(client, container, StopScript, cancellationToken, PidFile).ConfigureAwait(false);

    /// <summary>Whether the pid file names a live agent process.</summary>
    public async Task<bool> IsRunningAsync(IDockerClient client, string container, CancellationToken cancellationToken)
    {
        var result = await DockerExec.ShellAsync(client, container, AliveScript, cancellationToken, PidFile).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>Streams the agent log: the last <paramref name="tailLines"/> lines, then new ones when following.</summary>
    public async IAsyncEnumerable<string> ReadLogAsync(
        IDockerClient client, string container, int tailLines, bool follow,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The first line is the shell's pid (tail keeps it through exec), so the tail can be ended when the reader
        // stops: closing the stream alone does not end a 'tail -F' inside the container.
        var exec = await client.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "echo $$; exec tail -n \"$1\" " + (follow ? "-F " : string.Empty) + "\"$2\" 2>/dev/null",
                "sh", Math.Max(0, tailLines).ToString(System.Globalization.CultureInfo.InvariantCulture), LogFile],
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);

        string? pid = null;
        using var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false);
        try
        {
            var buffer = new byte[16 * 1024];
            var decoder = Encoding.UTF8.GetDecoder();
            var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
            var line = new StringBuilder();
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                if (read.Target != MultiplexedStream.TargetStream.StandardOut)
                {
                    continue;
                }

                var count = decoder.GetChars(buffer, 0, read.Count, chars, 0);
                for (var i = 0; i < count; i++)
                {
                    if (chars[i] != '\n')
                    {
                        line.Append(chars[i]);
                        continue;
                    }

                    var text = line.ToString().TrimEnd('\r');
                    line.Clear();
                    if (pid is null)
                    {
                        pid = text;
                        continue;
                    }

                    yield return text;
                }
            }

            if (line.Length > 0 && pid is not null)
            {
                yield return line.ToString();
            }
        }
        finally
        {
            if (follow && pid is not null)
            {
                await EndTailAsync(client, container, pid).ConfigureAwait(false);
            }
        }
    }

    private static async Task EndTailAsync(IDockerClient client, string container, string pid)
    {
        // The caller's token is usually cancelled by now; the clean-up gets its own short deadline.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await DockerExec.ShellAsync(client, container, "kill \"$1\" 2>/dev/null; exit 0", cts.Token, pid).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException or HttpRequestException)
        {
            // The node may be gone already, which ends the tail too.
        }
    }

    private async Task WaitStartedAsync(IDockerClient client, string container, string execId, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.AgentStartWait;
        while (time.GetUtcNow() < deadline)
        {
            if (await IsRunningAsync(client, container, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var exec = await client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (!exec.Running)
            {
                var console = await DockerExec.ShellAsync(client, container, "tail -n 20 \"$1\" 2>/dev/null", cancellationToken, ConsoleFile)
                    .ConfigureAwait(false);
                throw new LocalKubeException(Reasons.AgentFailed,
                    $"The node agent exited at start with code {exec.ExitCode}. {console.Stdout.Trim()}".Trim());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        // Still starting: the caller waits for /readyz with its own timeout.
    }

    private static async Task CheckAsync(
        IDockerClient client, string container, string script, string what, CancellationToken cancellationToken, params string[] args)
    {
        var result = await DockerExec.ShellAsync(client, container, script, cancellationToken, args).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new LocalKubeException(Reasons.GuestProvision, $"Could not {what} in node {container}: {result.Output}");
        }
    }
}
