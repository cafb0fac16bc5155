using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>Prefers nodes that already have the pod's images, by their size (upstream's 23 MB–1000 MB scale).</summary>
public sealed class ImageLocality : SchedulerPlugin
{
    private const long MinThreshold = 23L * 1024 * 1024;
    private const long MaxContainerThreshold = 1000L * 1024 * 1024;

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
    public override long Score(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(node);
        var containers = (pod.Pod.Spec?.Containers ?? []).Concat(pod.Pod.Spec?.InitContainers ?? []).ToList();
        long sum = 0;
        foreach (var c in containers)
        {
            if (string.IsNullOrEmpty(c.Image))
            {
                continue;
            }

            var name = Normalize(c.Image);
            if (node.ImageSizes.TryGetValue(name, out var size) || node.ImageSizes.TryGetValue("docker.io/library/" + name, out size)
                || node.ImageSizes.TryGetValue("docker.io/" + name, out size))
            {
                sum += size;
            }
        }

        var max = MaxContainerThreshold * Math.Max(1, containers.Count);
        sum = Math.Clamp(sum, MinThreshold, max);
        return MaxNodeScore * (sum - MinThreshold) / (max - MinThreshold);
    }
}
