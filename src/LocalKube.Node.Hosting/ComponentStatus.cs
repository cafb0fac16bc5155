namespace LocalKube.Node.Hosting;

/// <summary>A point-in-time view of one component, for <c>/readyz</c> and <c>/livez</c>.</summary>
/// <param name="Component">The component.</param>
/// <param name="State">Its state.</param>
/// <param name="Error">Why it failed, when <paramref name="State"/> is <see cref="ComponentState.Failed"/>. Never sent to clients.</param>
public sealed record ComponentStatus(NodeComponent Component, ComponentState State, string? Error = null);
