using LocalKube.Node.Scheduler.Plugins;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>
/// Runs the plugins of one profile over a snapshot (kube-scheduler <c>schedulePod</c>): PreFilter, Filter on each
/// node (the first failing plugin decides a node's status), PostFilter (preemption) when nothing fits, and
/// PreScore/Score/NormalizeScore with plugin weights when more than one node fits.
/// </summary>
public sealed class SchedulingFramework
{
    private readonly Random _random;

    /// <summary>Creates a framework running <paramref name="plugins"/> in order.</summary>
    public SchedulingFramework(IReadOnlyList<SchedulerPlugin> plugins, Random? random = null)
    {
        Plugins = plugins ?? throw new ArgumentNullException(nameof(plugins));
        _random = random ?? Random.Shared;
    }

    /// <summary>The plugins, in upstream's default order.</summary>
    public IReadOnlyList<SchedulerPlugin> Plugins { get; }

    /// <summary>The default profile (upstream's default plugin set and weights).</summary>
    public static SchedulingFramework CreateDefault(Random? random = null) => new(
    [
        new NodeUnschedulable(),
        new TaintToleration(),
        new NodeAffinity(),
        new NodePorts(),
        new NodeResourcesFit(),
        new VolumeBinding(),
        new PodTopologySpread(),
        new InterPodAffinity(),
        new BalancedAllocation(),
        new ImageLocality(),
    ], random);

    /// <summary>The events that can undo a rejection by any of <paramref name="plugins"/>.</summary>
    public ClusterEvents EventsFor(IEnumerable<string> plugins)
    {
        var names = plugins.ToHashSet(StringComparer.Ordinal);
        var events = ClusterEvents.None;
        foreach (var p in Plugins)
        {
            if (names.Contains(p.Name))
            {
                events |= p.Events;
            }
        }

        return events;
    }

    /// <summary>
    /// Schedules <paramref name="pod"/> on <paramref name="snapshot"/>; pods nominated to a node (by an earlier
    /// preemption) with at least this pod's priority count as already there (<paramref name="nominated"/>).
    /// </summary>
    public ScheduleResult Schedule(PodInfo pod, ClusterSnapshot snapshot, Func<string, IReadOnlyList<PodInfo>>? nominated = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = new CycleState();
        if (snapshot.Nodes.Count == 0)
        {
            return new ScheduleResult(null, state, Error: FitError.NoNodesAvailable);
        }

        var (feasible, fitError, error, _) = FindFeasible(pod, snapshot, state, stopAtFirst: false, nominated: nominated);
        if (error is not null)
        {
            return new ScheduleResult(null, state, Error: error);
        }

        if (feasible.Count == 0)
        {
            var preemption = Preemption.Evaluate(this, pod, snapshot, fitError!);
            return new ScheduleResult(null, state, fitError, Preemption: preemption);
        }

        return new ScheduleResult(feasible.Count == 1 ? feasible[0].Name : SelectHost(pod, feasible, snapshot, state), state);
    }

    /// <summary>Whether <paramref name="pod"/> passes every filter on <paramref name="node"/> in <paramref name="snapshot"/>.</summary>
    internal PluginStatus? FilterOne(PodInfo pod, ClusterSnapshot snapshot, NodeInfo node)
    {
        var state = new CycleState();
        var (feasible, fitError, error, preFilter) = FindFeasible(pod, snapshot, state, stopAtFirst: false, only: node.Name);
        if (error is not null)
        {
            return PluginStatus.Failure(error);
        }

        return feasible.Count > 0 ? null : preFilter ?? fitError?.StatusOf(node.Name);
    }

    private (List<NodeInfo> Feasible, FitError? FitError, string? Error, PluginStatus? PreFilter) FindFeasible(
        PodInfo pod, ClusterSnapshot snapshot, CycleState state, bool stopAtFirst, string? only = null, Func<string, IReadOnlyList<PodInfo>>? nominated = null)
    {
        var fit = new FitError(snapshot.Nodes.Count);
        var filters = new List<SchedulerPlugin>(Plugins.Count);
        HashSet<string>? allowed = null;
        var narrowing = new List<string>();
        foreach (var plugin in Plugins)
        {
            var result = plugin.PreFilter(state, pod, snapshot);
            if (result.Skipped)
            {
                continue;
            }

            if (plugin.Filters)
            {
                filters.Add(plugin);
            }

            if (result.Status is { } status)
            {
                if (status.Code == StatusCode.Error)
                {
                    return ([], null, $"running PreFilter plugin \"{plugin.Name}\": {status.Message}", null);
                }

                return Rejected(fit, snapshot, status.From(plugin.Name));
            }

            if (result.NodeNames is { } names)
            {
                narrowing.Add(plugin.Name);
                allowed = allowed is null ? new HashSet<string>(names, StringComparer.Ordinal) : [.. allowed.Intersect(names)];
                if (allowed.Count == 0)
                {
                    var message = narrowing.Count == 1
                        ? $"node(s) didn't satisfy plugin {narrowing[0]}"
                        : $"node(s) didn't satisfy plugin(s) [{string.Join(" ", narrowing)}] simultaneously";
                    return Rejected(fit, snapshot, PluginStatus.Unresolvable(message).From(plugin.Name));
                }
            }
        }

        var feasible = new List<NodeInfo>();
        foreach (var node in snapshot.Nodes)
        {
            if (only is not null && node.Name != only)
            {
                continue;
            }

            if (allowed is not null && !allowed.Contains(node.Name))
            {
                fit.NodeStatuses[node.Name] = PluginStatus.Unresolvable("node is filtered out by the prefilter result");
                continue;
            }

            var target = WithNominated(node, pod, nominated);
            PluginStatus? failed = null;
            foreach (var plugin in filters)
            {
                if (plugin.Filter(state, pod, target) is { } status)
                {
                    failed = status.From(plugin.Name);
                    break;
                }
            }

            if (failed is null)
            {
                feasible.Add(node);
                if (stopAtFirst)
                {
                    break;
                }

                continue;
            }

            if (failed.Code == StatusCode.Error)
            {
                return ([], null, $"running \"{failed.Plugin}\" filter plugin: {failed.Message}", null);
            }

            fit.NodeStatuses[node.Name] = failed;
            fit.UnschedulablePlugins.Add(failed.Plugin);
        }

        return (feasible, fit, null, null);
    }

    private static NodeInfo WithNominated(NodeInfo node, PodInfo pod, Func<string, IReadOnlyList<PodInfo>>? nominated)
    {
        if (nominated is null)
        {
            return node;
        }

        var extra = nominated(node.Name).Where(p => p.Priority >= pod.Priority && p.Key != pod.Key && !node.Contains(p.Key)).ToList();
        if (extra.Count == 0)
        {
            return node;
        }

        var copy = node.Clone();
        foreach (var p in extra)
        {
            copy.AddPod(p);
        }

        return copy;
    }

    private static (List<NodeInfo>, FitError?, string?, PluginStatus?) Rejected(FitError fit, ClusterSnapshot snapshot, PluginStatus status)
    {
        fit.PreFilterMessage = status.Message;
        fit.UnschedulablePlugins.Add(status.Plugin);
        foreach (var node in snapshot.Nodes)
        {
            fit.NodeStatuses[node.Name] = status;
        }

        return ([], fit, null, status);
    }

    private string SelectHost(PodInfo pod, List<NodeInfo> feasible, ClusterSnapshot snapshot, CycleState state)
    {
        var totals = new long[feasible.Count];
        var scores = new long[feasible.Count];
        foreach (var plugin in Plugins)
        {
            if (plugin.ScoreWeight == 0)
            {
                continue;
            }

            if (!plugin.PreScore(state, pod, feasible, snapshot))
            {
                continue;
            }

            for (var i = 0; i < feasible.Count; i++)
            {
                scores[i] = plugin.Score(state, pod, feasible[i]);
            }

            plugin.NormalizeScores(state, pod, scores);
            for (var i = 0; i < feasible.Count; i++)
            {
                totals[i] += scores[i] * plugin.ScoreWeight;
            }
        }

        // Highest total wins; ties are broken at random (reservoir sampling), as upstream.
        var best = 0;
        var ties = 1;
        for (var i = 1; i < feasible.Count; i++)
        {
            if (totals[i] > totals[best])
            {
                best = i;
                ties = 1;
            }
            else if (totals[i] == totals[best] && _random.Next(++ties) == 0)
            {
                best = i;
            }
        }

        return feasible[best].Name;
    }
}
