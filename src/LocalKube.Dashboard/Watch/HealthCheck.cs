namespace LocalKube.Dashboard.Watch;

/// <summary>One line of <c>/readyz?verbose</c>: <c>[+]etcd ok</c> or <c>[-]etcd failed: …</c>.</summary>
public sealed record HealthCheck(string Name, bool Ok, string? Detail);
