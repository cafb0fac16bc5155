namespace LocalKube.Node.Hosting;

/// <summary>A point-in-time view of one component, for <c>/readyz</c> and <c>/livez</c>.</summary>
/// <param name="Component">The component.</param>
/// <param name="State">Its state.</param>
/// <param name="Error">
/// Why it failed or was refused. A failure's error is never sent to clients; a refusal's is (it names a file to fix
/// and holds no secret), in <c>/readyz?verbose</c>.
/// </param>
public sealed record ComponentStatus(NodeComponent Component, ComponentState State, string? Error = null);
