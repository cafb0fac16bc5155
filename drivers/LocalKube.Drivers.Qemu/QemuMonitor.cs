using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LocalKube.Drivers.Qemu;

/// <summary>A minimal QMP (QEMU monitor protocol) client: one command per connection.</summary>
internal static class QemuMonitor
{
    /// <summary>Runs <paramref name="command"/> (e.g. <c>system_powerdown</c>) and returns its <c>return</c> value.</summary>
    /// <exception cref="IOException">The monitor refused the command or closed the connection.</exception>
    public static async Task<JsonElement> ExecuteAsync(string socketPath, string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await ReadAsync(reader, "QMP", cancellationToken).ConfigureAwait(false); // the greeting
        await SendAsync(stream, "qmp_capabilities", cancellationToken).ConfigureAwait(false);
        await ReadAsync(reader, "return", cancellationToken).ConfigureAwait(false);
        await SendAsync(stream, command, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(reader, "return", cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAsync(Stream stream, string command, CancellationToken cancellationToken) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"execute\":\"{command}\"}}\n"), cancellationToken).ConfigureAwait(false);

    // Skips asynchronous events until the reply that carries `key`, or an error.
    private static async Task<JsonElement> ReadAsync(StreamReader reader, string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException("The QEMU monitor closed the connection.");
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                throw new IOException($"The QEMU monitor refused the command: {error.GetRawText()}");
            }

            if (document.RootElement.TryGetProperty(key, out var value))
            {
                return value.Clone();
            }
        }
    }
}
