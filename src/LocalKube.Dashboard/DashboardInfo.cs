namespace LocalKube.Dashboard;

/// <summary><c>GET /api/info</c>: what the page shows in its header.</summary>
public sealed record DashboardInfo(string Profile, string Server, string Version);
