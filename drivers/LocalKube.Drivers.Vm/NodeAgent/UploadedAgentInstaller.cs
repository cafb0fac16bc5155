using System.Text;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Vm.NodeAgent;

/// <summary>
/// Starts the agent in a VM that shares no folder with the host (Hyper-V, hyperkit): the bundle travels as one tar
/// through the guest agent channel, only when the node does not have it yet, and the certificates as files.
/// </summary>
public static class UploadedAgentInstaller
{
    /// <summary>The guest folder the uploads land in.</summary>
    public const string Inbox = "/var/lib/localkube/inbox";

    /// <summary>Uploads what the node lacks and starts the agent (see <see cref="VmNodeAgent.StartAsync"/>).</summary>
    public static async Task StartAsync(GuestAgent.IGuestShell shell, AgentLaunch launch, CancellationToken cancellationToken)
    {
        // A bundle without the agent is refused before the node is touched.
        var hash = AgentBundle.HashBundle(launch.BundleDirectory);
        var prepared = await shell.ExecAsync("/bin/sh",
            ["-c", "rm -rf \"$1/certs\" && mkdir -p \"$1/certs\" && cat \"$2/.bundle-hash\" 2>/dev/null; exit 0", "sh", Inbox, IsolatedNodeLayout.AgentDirectory],
            cancellationToken).ConfigureAwait(false);
        if (prepared.StdoutText.Trim() != hash)
        {
            await using var tar = await AgentBundle.BundleAsync(launch.BundleDirectory, hash, cancellationToken).ConfigureAwait(false);
            await shell.WriteFileAsync($"{Inbox}/agent.tar", tar, cancellationToken).ConfigureAwait(false);
        }

        await shell.WriteFileAsync($"{Inbox}/agent.tar.hash", new MemoryStream(Encoding.ASCII.GetBytes(hash + "\n")), cancellationToken)
            .ConfigureAwait(false);
        foreach (var (name, content) in launch.Files)
        {
            await shell.WriteFileAsync($"{Inbox}/certs/{name}", new MemoryStream(content), cancellationToken).ConfigureAwait(false);
        }

        await new VmNodeAgent(shell).StartAsync($"{Inbox}/agent.tar", $"{Inbox}/certs", launch.Arguments, cancellationToken).ConfigureAwait(false);
        // The installed copy is what runs; the upload is not needed any more.
        await shell.ExecAsync("/bin/rm", ["-f", $"{Inbox}/agent.tar"], cancellationToken).ConfigureAwait(false);
    }
}
