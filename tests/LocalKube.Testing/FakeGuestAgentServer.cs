using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalKube.Testing;

/// <summary>
/// A qemu-ga stand-in on a Unix socket: answers guest-sync-delimited (0xFF, then the reply), guest-ping,
/// guest-exec / guest-exec-status from a scripted handler, and guest-file-open/write/close into memory. It can
/// prepend stale bytes to the sync reply, as a real channel does after an interrupted client.
/// </summary>
public sealed class FakeGuestAgentServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Dictionary<long, (int Exit, byte[] Out, byte[] Err)> _execs = [];
    private readonly Dictionary<long, (string Path, MemoryStream Data)> _files = [];
    private long _nextId = 100;

    public FakeGuestAgentServer(string path, Func<string, IReadOnlyList<string>, (int Exit, string Out, string Err)> exec)
    {
        Exec = exec;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Func<string, IReadOnlyList<string>, (int Exit, string Out, string Err)> Exec { get; set; }

    /// <summary>Bytes written before the 0xFF of the next sync reply (a stale reply to an earlier client).</summary>
    public string StaleBeforeSync { get; set; } = "";

    /// <summary>Commands whose reply is an error instead.</summary>
    public HashSet<string> Failing { get; } = [];

    /// <summary>Files written through guest-file-*, by path.</summary>
    public Dictionary<string, byte[]> WrittenFiles { get; } = [];

    /// <summary>Every command received, in order.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>Number of guest-exec-status polls before an exec reports that it exited.</summary>
    public int PollsBeforeExit { get; set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptAsync(_stop.Token);
            await using var stream = new NetworkStream(client);
            try
            {
                await ServeAsync(stream);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The client went away; wait for the next one.
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[65536];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, _stop.Token);
            if (read == 0)
            {
                return;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
            int newline;
            while ((newline = buffer.IndexOf((byte)'\n')) >= 0)
            {
                var line = Encoding.UTF8.GetString([.. buffer.GetRange(0, newline).Where(b => b != 0xFF)]);
                buffer.RemoveRange(0, newline + 1);
                if (line.Trim().Length > 0)
                {
                    await stream.WriteAsync(Reply(JsonNode.Parse(line)!.AsObject()), _stop.Token);
                }
            }
        }
    }

    private byte[] Reply(JsonObject request)
    {
        var command = request["execute"]!.GetValue<string>();
        var arguments = request["arguments"] as JsonObject;
        Commands.Add(command);
        if (Failing.Contains(command))
        {
            return Line(new JsonObject { ["error"] = new JsonObject { ["class"] = "GenericError", ["desc"] = $"{command} failed on purpose" } });
        }

        switch (command)
        {
            case "guest-sync-delimited":
                var stale = Encoding.UTF8.GetBytes(StaleBeforeSync);
                return [.. stale, 0xFF, .. Line(new JsonObject { ["return"] = arguments!["id"]!.GetValue<long>() })];
            case "guest-ping":
                return Line(new JsonObject { ["return"] = new JsonObject() });
            case "guest-exec":
                var args = arguments!["arg"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
                var (exit, output, error) = Exec(arguments["path"]!.GetValue<string>(), args);
                var pid = ++_nextId;
                _execs[pid] = (exit, Encoding.UTF8.GetBytes(output), Encoding.UTF8.GetBytes(error));
                return Line(new JsonObject { ["return"] = new JsonObject { ["pid"] = pid } });
            case "guest-exec-status":
                var id = arguments!["pid"]!.GetValue<long>();
                if (Commands.Count(c => c == "guest-exec-status") % (PollsBeforeExit + 1) != 0)
                {
                    return Line(new JsonObject { ["return"] = new JsonObject { ["exited"] = false } });
                }

                var done = _execs[id];
                return Line(new JsonObject
                {
                    ["return"] = new JsonObject
                    {
                        ["exited"] = true,
                        ["exitcode"] = done.Exit,
                        ["out-data"] = Convert.ToBase64String(done.Out),
                        ["err-data"] = Convert.ToBase64String(done.Err),
                    },
                });
            case "guest-file-open":
                var handle = ++_nextId;
                _files[handle] = (arguments!["path"]!.GetValue<string>(), new MemoryStream());
                return Line(new JsonObject { ["return"] = handle });
            case "guest-file-write":
                var bytes = Convert.FromBase64String(arguments!["buf-b64"]!.GetValue<string>());
                _files[arguments["handle"]!.GetValue<long>()].Data.Write(bytes);
                return Line(new JsonObject { ["return"] = new JsonObject { ["count"] = bytes.Length, ["eof"] = false } });
            case "guest-file-close":
                var file = _files[arguments!["handle"]!.GetValue<long>()];
                WrittenFiles[file.Path] = file.Data.ToArray();
                return Line(new JsonObject { ["return"] = new JsonObject() });
            default:
                return Line(new JsonObject { ["error"] = new JsonObject { ["class"] = "CommandNotFound", ["desc"] = $"The command {command} has not been found" } });
        }
    }

    private static byte[] Line(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions()) + "\n");
}
