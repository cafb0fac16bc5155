using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Vm.GuestAgent;

namespace LocalKube.Drivers.Vm.NodeAgent;

/// <summary>
/// The node agent inside a VM, driven through the image's <c>localkube-agentctl</c> over the guest agent channel. The
/// layout is the container node's (<see cref="IsolatedNodeLayout"/>).
/// </summary>
public sealed class VmNodeAgent(IGuestShell shell, TimeProvider? timeProvider = null)
{
    /// <summary>The control script in the VM image.</summary>
    public const string AgentCtl = "/usr/local/bin/localkube-agentctl";

    // Log reads are chunked so one reply stays small over a slow channel.
    private const int ReadChunk = 512 * 1024;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Stops a running agent, installs the certificate files from the guest folder <paramref name="certificates"/>,
    /// and starts the agent detached with the driver-owned flags and <paramref name="callerArguments"/>.
    /// <paramref name="bundle"/> is a guest folder holding <c>localkube-node</c> (run in place) or a <c>.tar</c> of
    /// the bundle (installed into the node unless <c>&lt;bundle&gt;.hash</c> says it is already there).
    /// </summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.AgentFailed"/> when the agent dies at start.</exception>
    public async Task StartAsync(string bundle, string certificates, IReadOnlyList<string> callerArguments, CancellationToken cancellationToken)
    {
        var result = await shell.ExecAsync(AgentCtl,
            ["start", bundle, certificates, "--", .. IsolatedNodeLayout.AgentArguments(callerArguments)], cancellationToken).ConfigureAwait(false);
        switch (result.ExitCode)
        {
            case 0:
                return;
            case 3:
                throw new LocalKubeException(Reasons.AgentFailed, result.StderrText.Trim());
            default:
                throw new LocalKubeException(Reasons.GuestProvision,
                    $"Could not start the node agent in the VM (localkube-agentctl exit code {result.ExitCode}): {result.StderrText.Trim()}");
        }
    }

    /// <summary>Stops the agent if it runs (SIGTERM, then SIGKILL after 10 s).</summary>
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await CheckedAsync(["stop"], "stop the node agent", cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the agent and removes its bundle, certificates and data: the node is as if newly created.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken) =>
        await CheckedAsync(["reset"], "reset the node agent", cancellationToken).ConfigureAwait(false);

    /// <summary>Whether the agent process is alive.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken) =>
        (await shell.ExecAsync(AgentCtl, ["status"], cancellationToken).ConfigureAwait(false)).ExitCode == 0;

    /// <summary>
    /// The agent's log: the last <paramref name="tailLines"/> complete lines, then, when <paramref name="follow"/>,
    /// every complete line appended later (polled every <paramref name="pollInterval"/>) until cancelled.
    /// </summary>
    public async IAsyncEnumerable<string> ReadLogAsync(
        int tailLines, bool follow, TimeSpan pollInterval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One line more than asked: the last may be partial (the agent is writing it) and is not returned.
        var ask = tailLines <= 0 ? 0 : tailLines == int.MaxValue ? tailLines : tailLines + 1;
        var tail = await CheckedAsync(["tail", ask.ToString(CultureInfo.InvariantCulture)], "read the agent log", cancellationToken)
            .ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(tail.Stdout);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var size = long.Parse(newline < 0 ? text : text[..newline], CultureInfo.InvariantCulture);
        var body = newline < 0 ? "" : text[(newline + 1)..];
        // Only complete lines: a line the agent is still writing comes with the next read.
        var (lines, partial) = SplitComplete(body);
        foreach (var line in lines.TakeLast(Math.Max(0, tailLines)))
        {
            yield return line;
        }

        if (!follow)
        {
            yield break;
        }

        var offset = size - Encoding.UTF8.GetByteCount(partial);
        var pending = new List<byte>();
        while (true)
        {
            await Task.Delay(pollInterval, _time, cancellationToken).ConfigureAwait(false);
            var read = await CheckedAsync(
                ["read", offset.ToString(CultureInfo.InvariantCulture), ReadChunk.ToString(CultureInfo.InvariantCulture)],
                "read the agent log", cancellationToken).ConfigureAwait(false);
            var header = Array.IndexOf(read.Stdout, (byte)'\n');
            var fields = Encoding.ASCII.GetString(read.Stdout, 0, header < 0 ? read.Stdout.Length : header).Split(' ');
            var from = long.Parse(fields[0], CultureInfo.InvariantCulture);
            if (from != offset)
            {
                pending.Clear(); // the log was replaced or truncated: start over from its beginning
            }

            var data = header < 0 ? [] : read.Stdout.AsSpan(header + 1);
            pending.AddRange(data);
            offset = from + data.Length;
            var last = pending.LastIndexOf((byte)'\n');
            if (last < 0)
            {
                continue;
            }

            var complete = Encoding.UTF8.GetString(pending.GetRange(0, last + 1).ToArray());
            pending.RemoveRange(0, last + 1);
            foreach (var line in complete.Split('\n')[..^1])
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return line.TrimEnd('\r');
            }
        }
    }

    private static (List<string> Lines, string Partial) SplitComplete(string text)
    {
        var parts = text.Split('\n');
        return ([.. parts[..^1].Select(l => l.TrimEnd('\r'))], parts[^1]);
    }

    private async Task<GuestExecResult> CheckedAsync(IReadOnlyList<string> arguments, string what, CancellationToken cancellationToken)
    {
        var result = await shell.ExecAsync(AgentCtl, arguments, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? result
            : throw new LocalKubeException(Reasons.GuestProvision,
                $"Could not {what} in the VM (localkube-agentctl exit code {result.ExitCode}): {result.StderrText.Trim()}");
    }
}
