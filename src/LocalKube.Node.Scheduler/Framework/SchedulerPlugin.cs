namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// One scheduling plugin (kube-scheduler framework extension points, reduced to what a single-machine cluster
/// needs): PreFilter once per attempt, Filter per node, then PreScore/Score/NormalizeScore for the feasible nodes.
/// Every method has a no-op default so a plugin implements only its extension points.
/// </summary>
public abstract class SchedulerPlugin
{
    /// <summary>The largest score a plugin gives a node after normalization.</summary>
    public const long MaxNodeScore = 100;

    /// <summary>Upstream's plugin name, e.g. <c>NodeResourcesFit</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The weight of this plugin's scores; 0 when it does not score.</summary>
    public virtual int ScoreWeight => 0;

    /// <summary>Whether this plugin filters nodes.</summary>
    public virtual bool Filters => true;

    /// <summary>The cluster events that can undo this plugin's rejections.</summary>
    public virtual ClusterEvents Events => ClusterEvents.NodeAdd;

    /// <summary>Computes per-attempt state; may reject the pod for every node or narrow the nodes.</summary>
    public virtual PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot) => PreFilterResult.Continue;

    /// <summary>Whether <paramref name="pod"/> fits <paramref name="node"/>; null when it does.</summary>
    public virtual PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node) => null;

    /// <summary>
    /// Prepares scoring of the feasible nodes; false when this plugin has nothing to say about this pod (its scores
    /// would be equal on every node), so Score and NormalizeScore are skipped (upstream's PreScore Skip).
    /// </summary>
    public virtual bool PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, ClusterSnapshot snapshot) => true;

    /// <summary>The raw score of <paramref name="node"/>.</summary>
    public virtual long Score(CycleState state, PodInfo pod, NodeInfo node) => 0;

    /// <summary>Rescales raw scores to 0..<see cref="MaxNodeScore"/> in place.</summary>
    public virtual void NormalizeScores(CycleState state, PodInfo pod, long[] scores)
    {
    }

    /// <summary>
    /// Upstream's <c>DefaultNormalizeScore</c>: scales so the highest becomes <see cref="MaxNodeScore"/>
    /// (or, <paramref name="reverse"/>, so the highest becomes 0).
    /// </summary>
    protected static void DefaultNormalize(long[] scores, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var max = scores.Length == 0 ? 0 : scores.Max();
        if (max == 0)
        {
            if (reverse)
            {
                Array.Fill(scores, MaxNodeScore);
            }

            return;
        }

        for (var i = 0; i < scores.Length; i++)
        {
            var s = MaxNodeScore * scores[i] / max;
            scores[i] = reverse ? MaxNodeScore - s : s;
        }
    }
}
