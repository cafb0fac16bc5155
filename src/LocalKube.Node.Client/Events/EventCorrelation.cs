namespace LocalKube.Node.Client.Events;

/// <summary>How an <see cref="EventBroadcaster"/> folds repeated events: upstream has two recorders, and which one a
/// component uses decides what <c>kubectl describe</c> shows.</summary>
public enum EventCorrelation
{
    /// <summary>
    /// client-go <c>tools/events</c> (events.k8s.io/v1; upstream's scheduler): isomorphic events (same regarding and
    /// related objects, type, reason, action and reporter; the note does not count) form one series whose second
    /// occurrence is written at once and later counts in batches.
    /// </summary>
    Series,

    /// <summary>
    /// client-go <c>tools/record</c>'s correlator (upstream's kubelet and controller manager): the same message about
    /// the same object raises one event's count, written each time; more than ten message variants of one reason
    /// about one object within ten minutes are combined into one event; a spam filter lets 25 events per reporter and
    /// object through at once, then one per five minutes.
    /// </summary>
    Legacy,
}
