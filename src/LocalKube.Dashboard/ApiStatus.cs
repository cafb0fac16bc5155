namespace LocalKube.Dashboard;

/// <summary>A <c>metav1.Status</c> the dashboard itself answers with, so the page handles its errors and the API server's alike.</summary>
public sealed record ApiStatus(string? Kind, string? ApiVersion, string Status, string Reason, int Code, string Message);
