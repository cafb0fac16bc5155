namespace LocalKube.Node.Client.Informers;

/// <summary>
/// What one informer watches: a namespace (all when null), label and field selectors in their query syntax, and
/// the default resync period of its handlers (none when null or zero). Informers with equal options share one
/// list and watch in a <see cref="SharedInformerFactory"/>.
/// </summary>
/// <param name="Namespace">Only this namespace; null for all.</param>
/// <param name="LabelSelector">A <c>labelSelector=</c> value, e.g. <c>app=web</c>.</param>
/// <param name="FieldSelector">A <c>fieldSelector=</c> value, e.g. <c>spec.nodeName=node1</c>.</param>
/// <param name="ResyncPeriod">How often handlers get every cached object again as an update.</param>
public sealed record InformerOptions(
    string? Namespace = null,
    string? LabelSelector = null,
    string? FieldSelector = null,
    TimeSpan? ResyncPeriod = null)
{
    /// <summary>Everything, no resync.</summary>
    public static InformerOptions Default { get; } = new();
}
