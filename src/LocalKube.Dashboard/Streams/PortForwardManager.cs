using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Streams;

/// <summary>The dashboard's open forwards. They live as long as the dashboard (or until stopped from the Forwards panel).</summary>
public sealed class PortForwardManager(KubeApi api, ILoggerFactory loggers) : IAsyncDisposable
{
    private const int MaxForwards = 32;

    private readonly ConcurrentDictionary<string, PortForward> _forwards = new(StringComparer.Ordinal);
    private readonly PortForwardResolver _resolver = new(api);

    public IReadOnlyList<PortForward> List() => [.. _forwards.Values.OrderBy(f => f.Created)];

    /// <summary>Opens a forward; the same target twice returns the open one.</summary>
    /// <exception cref="ArgumentException">The target is not valid.</exception>
    /// <exception cref="SocketException">The local port is taken.</exception>
    /// <exception cref="InvalidOperationException">Too many forwards are open.</exception>
    public PortForward Open(PortForwardTarget target, int localPort)
    {
        if (!target.IsValid() || localPort is < 0 or > 65535)
        {
            throw new ArgumentException($"not a valid forward target: {target}", nameof(target));
        }

        if (_forwards.Values.FirstOrDefault(f => f.Target == target && (localPort == 0 || f.LocalPort == localPort)) is { } existing)
        {
            return existing;
        }

        if (_forwards.Count >= MaxForwards)
        {
            throw new InvalidOperationException($"at most {MaxForwards} forwards can be open; stop one first");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var forward = PortForward.Start(id, target, localPort, api, _resolver, loggers.CreateLogger<PortForward>());
        _forwards[id] = forward;
        return forward;
    }

    public async Task<bool> CloseAsync(string id)
    {
        if (!_forwards.TryRemove(id, out var forward))
        {
            return false;
        }

        await forward.DisposeAsync();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _forwards.Keys.ToList())
        {
            await CloseAsync(id);
        }
    }
}
