using LocalKube.Dashboard.Security;
using LocalKube.Dashboard.Upstream;
using Microsoft.Extensions.Logging;

namespace LocalKube.Dashboard;

/// <summary>How to run a <see cref="DashboardServer"/>.</summary>
public sealed class DashboardServerOptions
{
    /// <summary>The profile shown in the page's header.</summary>
    public required string Profile { get; init; }

    /// <summary>The API server and the credentials to act with. The server disposes it.</summary>
    public required UpstreamEndpoint Upstream { get; init; }

    /// <summary>The 127.0.0.1 port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The per-run secret; a new one when null.</summary>
    public DashboardSecret? Secret { get; init; }

    /// <summary>Where the server logs (nothing when null). Never receives the secret.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
