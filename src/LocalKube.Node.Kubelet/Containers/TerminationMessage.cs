using System.Text;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// The termination message (<c>k8s: kuberuntime_container.go</c>): up to 4 KiB from the file the container wrote to
/// its terminationMessagePath; with <c>FallbackToLogsOnError</c>, a failed container that wrote nothing gets the tail
/// of its log instead (80 lines, at most 2 KiB).
/// </summary>
public static class TerminationMessage
{
    /// <summary>Bytes read from the file.</summary>
    public const int MaxFileBytes = 4 * 1024;

    /// <summary>Log lines taken for the fallback.</summary>
    public const int FallbackLines = 80;

    /// <summary>Bytes kept from the log tail.</summary>
    public const int MaxFallbackBytes = 2 * 1024;

    /// <summary>The policy value that enables the log fallback.</summary>
    public const string FallbackToLogsOnError = "FallbackToLogsOnError";

    /// <summary>The first <see cref="MaxFileBytes"/> of <paramref name="hostPath"/>; empty when it is missing.</summary>
    public static string ReadFile(string hostPath)
    {
        if (string.IsNullOrEmpty(hostPath))
        {
            return "";
        }

        try
        {
            using var file = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[MaxFileBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = file.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Whether the log fallback applies: the policy asks for it, the container failed and the file was empty.</summary>
    public static bool UseLogs(string? policy, int exitCode, string fileMessage) =>
        policy == FallbackToLogsOnError && exitCode != 0 && fileMessage.Length == 0;

    /// <summary>The last <see cref="MaxFallbackBytes"/> of <paramref name="tail"/> (the log's last lines, joined).</summary>
    public static string FromLogTail(string tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        var bytes = Encoding.UTF8.GetBytes(tail);
        if (bytes.Length <= MaxFallbackBytes)
        {
            return tail;
        }

        // Keep the end, without starting inside a UTF-8 sequence.
        var start = bytes.Length - MaxFallbackBytes;
        while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80)
        {
            start++;
        }

        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }
}
