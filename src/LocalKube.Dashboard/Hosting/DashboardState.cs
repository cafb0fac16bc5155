using System.Text.Json.Serialization;

namespace LocalKube.Dashboard.Hosting;

/// <summary>
/// <c>profiles/&lt;p&gt;/dashboard.json</c> (mode 0600): the port this profile's dashboard uses (kept, so bookmarks
/// survive a restart), and while one runs its process id and link, so a second <c>localkube dashboard</c> prints
/// the same link instead of starting another server.
/// </summary>
public sealed record DashboardState
{
    [JsonPropertyName("port")]
    public int Port { get; init; }

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }
}
