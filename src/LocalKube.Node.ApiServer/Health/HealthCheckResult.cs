namespace LocalKube.Node.ApiServer.Health;

/// <summary>One line of a health report.</summary>
/// <param name="Name">The check name (<c>ping</c>, a component, <c>shutdown</c>).</param>
/// <param name="Healthy">Whether it passes.</param>
/// <param name="Excluded">Skipped by <c>?exclude=name</c>; reported but not counted.</param>
/// <param name="Refusal">
/// Why a refused component did not start (a file to fix, no secret); shown instead of upstream's "reason withheld".
/// </param>
public sealed record HealthCheckResult(string Name, bool Healthy, bool Excluded = false, string? Refusal = null);
