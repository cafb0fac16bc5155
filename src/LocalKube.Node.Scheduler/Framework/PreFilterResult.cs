namespace LocalKube.Node.Scheduler.Framework;

/// <summary>What a PreFilter call decided: a rejection for every node, or a narrowing to some node names.</summary>
/// <param name="Status">A rejection or error that applies to every node; null when the pod may go on.</param>
/// <param name="NodeNames">The only nodes worth filtering; null for all.</param>
public sealed record PreFilterResult(PluginStatus? Status, IReadOnlySet<string>? NodeNames = null)
{
    /// <summary>Continue with every node.</summary>
    public static PreFilterResult Continue { get; } = new((PluginStatus?)null);

    /// <summary>This plugin has nothing to check for the pod: its Filter is skipped.</summary>
    public static PreFilterResult Skip { get; } = new((PluginStatus?)null) { Skipped = true };

    /// <summary>Whether the plugin's Filter should be skipped for this pod.</summary>
    public bool Skipped { get; init; }
}
