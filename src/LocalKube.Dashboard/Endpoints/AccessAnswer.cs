namespace LocalKube.Dashboard.Endpoints;

/// <summary>The API server's answer to an <see cref="AccessCheck"/>; <see cref="Reason"/> says why not.</summary>
public sealed record AccessAnswer(bool Allowed, string? Reason);
