using System.Globalization;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// Why a pod fits no node, rendered as kube-scheduler's <c>FitError.Error()</c> (1.32): <c>0/N nodes are
/// available:</c>, then either the PreFilter message or the per-node reasons counted and sorted as strings, then the
/// PostFilter (preemption) message, each part followed by a period. The preemption part is itself such a message,
/// so it ends in two periods, exactly as upstream prints it.
/// </summary>
public sealed class FitError
{
    /// <summary>Upstream's message when the cluster has no node at all.</summary>
    public const string NoNodesAvailable = "no nodes available to schedule pods";

    /// <summary>Creates the error for <paramref name="numAllNodes"/> nodes.</summary>
    public FitError(int numAllNodes) => NumAllNodes = numAllNodes;

    /// <summary>How many nodes were considered.</summary>
    public int NumAllNodes { get; }

    /// <summary>Each filtered node's failure.</summary>
    public Dictionary<string, PluginStatus> NodeStatuses { get; } = new(StringComparer.Ordinal);

    /// <summary>The failure of nodes a PreFilter result excluded (counted for the nodes missing from <see cref="NodeStatuses"/>).</summary>
    public PluginStatus? AbsentNodesStatus { get; set; }

    /// <summary>A PreFilter rejection that applied to every node.</summary>
    public string PreFilterMessage { get; set; } = "";

    /// <summary>The preemption outcome, e.g. <c>preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.</c></summary>
    public string PostFilterMessage { get; set; } = "";

    /// <summary>Plugins that rejected the pod on some node (the queue's re-activation keys).</summary>
    public HashSet<string> UnschedulablePlugins { get; } = new(StringComparer.Ordinal);

    /// <summary>The status a node ended with (its own, or the absent-node status), or null.</summary>
    public PluginStatus? StatusOf(string node) => NodeStatuses.TryGetValue(node, out var s) ? s : AbsentNodesStatus;

    /// <summary>Upstream's text.</summary>
    public string Message
    {
        get
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"0/{NumAllNodes} nodes are available:");
            if (PreFilterMessage.Length > 0)
            {
                message += " " + PreFilterMessage + ".";
            }
            else
            {
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var status in NodeStatuses.Values)
                {
                    foreach (var reason in status.Reasons)
                    {
                        counts[reason] = counts.GetValueOrDefault(reason) + 1;
                    }
                }

                if (NodeStatuses.Count < NumAllNodes && AbsentNodesStatus is not null)
                {
                    foreach (var reason in AbsentNodesStatus.Reasons)
                    {
                        counts[reason] = counts.GetValueOrDefault(reason) + NumAllNodes - NodeStatuses.Count;
                    }
                }

                // Go's sort.Strings: byte order, so "10 x" sorts before "2 x", as upstream.
                var reasons = counts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Value} {kv.Key}")).ToList();
                reasons.Sort(StringComparer.Ordinal);
                if (reasons.Count > 0)
                {
                    message += " " + string.Join(", ", reasons) + ".";
                }
            }

            if (PostFilterMessage.Length > 0)
            {
                message += " " + PostFilterMessage + ".";
            }

            return message;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Message;
}
