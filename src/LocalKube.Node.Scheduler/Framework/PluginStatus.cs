namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// A failed plugin call: the code, upstream's reason texts (each counted separately in the FailedScheduling
/// message) and the plugin that failed. Success is represented by <c>null</c>.
/// </summary>
/// <param name="Code">What kind of failure.</param>
/// <param name="Reasons">The reason texts, e.g. <c>Insufficient cpu</c>.</param>
/// <param name="Plugin">The failing plugin's name, filled in by the framework.</param>
public sealed record PluginStatus(StatusCode Code, IReadOnlyList<string> Reasons, string Plugin = "")
{
    /// <summary>Whether the pod was rejected (as opposed to an internal error).</summary>
    public bool IsRejected => Code is StatusCode.Unschedulable or StatusCode.UnschedulableAndUnresolvable;

    /// <summary>The reasons joined by <c>", "</c>, as upstream's <c>Status.Message()</c>.</summary>
    public string Message => string.Join(", ", Reasons);

    /// <summary>A rejection that preemption could resolve.</summary>
    public static PluginStatus Unschedulable(params string[] reasons) => new(StatusCode.Unschedulable, reasons);

    /// <summary>A rejection that preemption cannot resolve.</summary>
    public static PluginStatus Unresolvable(params string[] reasons) => new(StatusCode.UnschedulableAndUnresolvable, reasons);

    /// <summary>An internal error.</summary>
    public static PluginStatus Failure(string message) => new(StatusCode.Error, [message]);

    /// <summary>The same status attributed to <paramref name="plugin"/>.</summary>
    public PluginStatus From(string plugin) => Plugin == plugin ? this : this with { Plugin = plugin };
}
