using System.Text;
using System.Text.Json;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard.Watch;

/// <summary>
/// Follows the API server's health: <c>/readyz?verbose</c> every few seconds (every second while it is down, so the
/// page recovers quickly when the cluster comes back), and at once when a watch loses its connection. The pages
/// get every change as a <c>health</c> message.
/// </summary>
public sealed partial class ClusterHealth(KubeApi api, TimeProvider time, ILogger<ClusterHealth> logger)
{
    private static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DownInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The message of a probe that connected, or tried to, but got no answer within its deadline.</summary>
    public const string TimedOut = "the API server did not answer in time";

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private HealthSnapshot _current = HealthSnapshot.Unknown;

    /// <summary>Raised on every change of state, with the new state.</summary>
    public event Action<HealthSnapshot>? Changed;

    public HealthSnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>A watch or request lost the connection: probe now instead of at the next tick.</summary>
    public void ReportFailure() => Wake();

    /// <summary>A watch got through: if the last probe said "down", probe now so the banner goes away at once.</summary>
    public void ReportSuccess()
    {
        if (!Current.Reachable)
        {
            Wake();
        }
    }

    /// <summary>Probes once (also used by the CLI before it prints the URL).</summary>
    public async Task<HealthSnapshot> ProbeAsync(CancellationToken cancellationToken)
    {
        HealthSnapshot next;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await api.Http.GetAsync(new Uri("/readyz?verbose", UriKind.Relative), timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var checks = HealthSnapshot.ParseVerbose(body);
            var ready = response.IsSuccessStatusCode;
            var failing = checks.Where(c => !c.Ok).Select(c => c.Name).ToList();
            next = new HealthSnapshot(true, ready, checks, ready ? null : failing.Count > 0 ? "not ready: " + string.Join(", ", failing) : $"readyz answered {(int)response.StatusCode}", time.GetUtcNow());
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            next = new HealthSnapshot(false, false, [], Describe(e), time.GetUtcNow());
        }

        Update(next);
        return Current;
    }

    /// <summary>Probes until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var state = await ProbeAsync(cancellationToken);
                await _wake.WaitAsync(state.Reachable && state.Ready ? HealthyInterval : DownInterval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The <c>health</c> message for the pages.</summary>
    public static byte[] Message(HealthSnapshot state)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("t", "health");
            json.WriteBoolean("reachable", state.Reachable);
            json.WriteBoolean("ready", state.Ready);
            json.WriteString("message", state.Message);
            json.WriteString("since", state.Since);
            json.WriteStartArray("checks");
            foreach (var check in state.Checks)
            {
                json.WriteStartObject();
                json.WriteString("name", check.Name);
                json.WriteBoolean("ok", check.Ok);
                json.WriteString("detail", check.Detail);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static string Describe(Exception e)
    {
        var text = new StringBuilder();
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is OperationCanceledException)
            {
                return TimedOut;
            }

            if (inner is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused
                    ? "connection refused: the cluster is not running"
                    : socket.Message;
            }

            text.Clear().Append(inner.Message);
        }

        return text.ToString();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A probe is already due.
        }
    }

    private void Update(HealthSnapshot next)
    {
        HealthSnapshot previous;
        lock (_gate)
        {
            previous = _current;
            if (previous.SameStateAs(next))
            {
                return;
            }

            _current = next;
        }

        if (previous.Reachable != next.Reachable)
        {
            Log.Reachability(logger, next.Reachable, next.Message);
        }

        Changed?.Invoke(next);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "API server reachable: {Reachable} ({Message})")]
        public static partial void Reachability(ILogger logger, bool reachable, string? message);
    }
}
