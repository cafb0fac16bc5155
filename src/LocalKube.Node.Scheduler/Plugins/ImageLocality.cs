using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>Prefers nodes that already have the pod's images, by their size (upstream's 23 MB–1000 MB scale).</summary>
public sealed class ImageLocality : SchedulerPlugin
{
    private const long MinThreshold = 23L * 1024 * 1024;
    private const long MaxContainerThreshold = 1000L * 1024 * 1024;

    private const string StateKey = "PreScoreImageLocality";

    /// <inheritdoc />
    public override string Name => "ImageLocality";

    /// <inheritdoc />
    public override int ScoreWeight => 1;

    /// <inheritdoc />
    public override bool Filters => false;

    /// <summary>Upstream's normalized image name: a reference without a tag or digest gets <c>:latest</c>.</summary>
    public static string Normalize(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var slash = image.LastIndexOf('/');
        return image.Contains('@', StringComparison.Ordinal) || image.IndexOf(':', slash + 1) >= 0 ? image : image + ":latest";
    }

    /// <inheritdoc />
    public override bool PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> nodes, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.All(n => n.ImageSizes.Count == 0))
        {
            return false;
        }

        var containers = (pod.Pod.Spec?.Containers ?? []).Concat(pod.Pod.Spec?.InitContainers ?? []).ToList();
        var names = containers.Where(c => !string.IsNullOrEmpty(c.Image))
            .Select(c => Normalize(c.Image))
            .Select(n => new[] { n, "docker.io/library/" + n, "docker.io/" + n })
            .ToList();
        state.Write(StateKey, new Images(names, containers.Count));
        return true;
    }

    /// <inheritdoc />
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(node);
        if (state.Read<Images>(StateKey) is not { } images)
        {
            return 0;
        }

        long sum = 0;
        foreach (var candidates in images.Names)
        {
            foreach (var name in candidates)
            {
                if (node.ImageSizes.TryGetValue(name, out var size))
                {
                    sum += size;
                    break;
                }
            }
        }

        var max = MaxContainerThreshold * Math.Max(1, images.Containers);
        sum = Math.Clamp(sum, MinThreshold, max);
        return MaxNodeScore * (sum - MinThreshold) / (max - MinThreshold);
    }

    private sealed record Images(List<string[]> Names, int Containers);
}
