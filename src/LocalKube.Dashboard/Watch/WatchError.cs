namespace LocalKube.Dashboard.Watch;

/// <summary>A watch request the dashboard refused (<c>{"t":"error",…}</c>).</summary>
public sealed record WatchError(string T, string Id, int Code, string Reason, string Message);
