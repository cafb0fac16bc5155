using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using LocalKube.Node.Kubelet.Native;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// Opens TCP connections inside another process's network namespace, as cri-dockerd's port-forward does with
/// nsenter: a dedicated thread enters the namespace (<c>setns</c> changes only the calling thread), creates the
/// socket there, and returns; the socket keeps the namespace it was created in, so it is then used from anywhere.
/// </summary>
internal static class NetworkNamespaceDialer
{
    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> in the network namespace of <paramref name="pid"/>.</summary>
    public static async Task<Socket> ConnectAsync(long pid, int port, CancellationToken cancellationToken)
    {
        var socket = await CreateInNamespaceAsync($"/proc/{pid}/ns/net", cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Task<Socket> CreateInNamespaceAsync(string namespacePath, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                result.TrySetResult(CreateOnThisThread(namespacePath));
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns-dial",
        };
        thread.Start();
        return result.Task.WaitAsync(cancellationToken);
    }

    private static Socket CreateOnThisThread(string namespacePath)
    {
        using var own = File.OpenHandle("/proc/thread-self/ns/net", FileMode.Open, FileAccess.Read);
        using var target = File.OpenHandle(namespacePath, FileMode.Open, FileAccess.Read);
        if (LibC.SetNs((int)target.DangerousGetHandle(), LibC.CloneNewNet) != 0)
        {
            throw new IOException($"cannot enter the network namespace {namespacePath}: errno {Marshal.GetLastPInvokeError()}");
        }

        Socket socket;
        try
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }
        finally
        {
            // This thread ends right after, but return anyway so nothing else ever runs in the pod's namespace.
            _ = LibC.SetNs((int)own.DangerousGetHandle(), LibC.CloneNewNet);
        }

        return socket;
    }
}
