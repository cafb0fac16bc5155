using System.Net.Sockets;
using System.Text;

namespace LocalKube.Testing;

/// <summary>For ports that echo (a simulated pod's echo ports, reached through a port-forward).</summary>
public static class TcpEcho
{
    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>, sends <paramref name="text"/> and reads as many bytes back.</summary>
    public static async Task<string> RoundTripAsync(int port, string text, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(text);
        await stream.WriteAsync(bytes, cancellationToken);
        var buffer = new byte[bytes.Length];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer);
    }
}
