using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// The final status an exec or attach writes on the error channel, as upstream's kubelet: a metav1.Status in JSON
/// for v4 and later (<c>NonZeroExitCode</c> with an <c>ExitCode</c> cause carries the exit code), the failure's
/// message alone for older protocols, nothing for success there.
/// </summary>
internal static class ExecStatus
{
    /// <summary>Success.</summary>
    public static byte[] Success(bool json) => json ? """{"metadata":{},"status":"Success"}"""u8.ToArray() : [];

    /// <summary>The command exited with <paramref name="exitCode"/> (non-zero).</summary>
    public static byte[] NonZeroExit(IReadOnlyList<string> command, int exitCode, bool json)
    {
        var message = $"command terminated with non-zero exit code: command '{string.Join(' ', command)}' exited with {exitCode}";
        if (!json)
        {
            return System.Text.Encoding.UTF8.GetBytes(message);
        }

        var status = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(status);
    }

    /// <summary>The runtime failed (upstream's InternalError: code 500, the message also as a cause).</summary>
    public static byte[] InternalError(string message, bool json)
    {
        var text = $"Internal error occurred: {message}";
        if (!json)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        var status = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = text,
            ["reason"] = "InternalError",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) },
            ["code"] = 500,
        };
        return JsonSerializer.SerializeToUtf8Bytes(status);
    }
}
