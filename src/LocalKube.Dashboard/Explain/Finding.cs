namespace LocalKube.Dashboard.Explain;

/// <summary>
/// One cause the explainer found, in plain language.
/// </summary>
/// <param name="Severity"><c>error</c> (this stops the pod), <c>warning</c> (degraded), or <c>info</c> (expected, e.g. still starting).</param>
/// <param name="Code">A stable keyword for the cause (<c>ImagePullBackOff</c>, <c>Unschedulable</c>, …), for grouping and tests.</param>
/// <param name="Title">One sentence naming the objects involved.</param>
/// <param name="Detail">The evidence: the API's own message, exit code, numbers.</param>
/// <param name="Hint">What to do next, if we know.</param>
/// <param name="Container">The container concerned, if one.</param>
/// <param name="Command">A command that helps (copyable).</param>
/// <param name="Lines">Log lines that show the failure (a crashing container's last output).</param>
public sealed record Finding(
    string Severity,
    string Code,
    string Title,
    string? Detail = null,
    string? Hint = null,
    string? Container = null,
    string? Command = null,
    IReadOnlyList<string>? Lines = null);
