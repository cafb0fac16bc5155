namespace LocalKube.Abstractions.Errors;

/// <summary>
/// A stable, user-facing failure kind: an ID that never changes once shipped, the process exit code
/// (minikube's sysexits-style bands), and advice telling the user what to do next.
/// </summary>
/// <param name="Id">Stable ID, <c>LK_&lt;AREA&gt;_&lt;WHAT&gt;</c>, e.g. <c>LK_DRV_DOCKER_NOT_RUNNING</c>.</param>
/// <param name="ExitCode">Exit code of the CLI when this reason ends a command.</param>
/// <param name="Advice">What the user can do about it. Shown under the error message.</param>
/// <param name="Documentation">Optional link or doc path with more detail.</param>
public sealed record Reason(string Id, int ExitCode, string Advice, string? Documentation = null);
