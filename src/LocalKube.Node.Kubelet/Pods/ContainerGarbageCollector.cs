using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// Dead container and sandbox collection (<c>k8s: kuberuntime_gc.go</c>, policy maxPerPodContainer=1): for every
/// container of a live pod only the newest dead instance is kept (it is the lastState, or the one a crash loop
/// restarts from); dead sandboxes older than a pod's newest one go. Pods that are gone are cleaned by their worker.
/// </summary>
internal sealed partial class ContainerGarbageCollector(IContainerRuntime runtime, PodRuntimeReader reader, ILogger logger)
{
    /// <summary>One collection pass.</summary>
    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        var containers = await runtime.ListContainersAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var unit in containers.Where(c => c.State is ContainerState.Exited).GroupBy(c => (c.PodUid, c.Metadata.Name)))
        {
            foreach (var old in unit.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Metadata.Attempt).Skip(1))
            {
                await RemoveAsync(() => runtime.RemoveContainerAsync(old.Id, cancellationToken), old.Id).ConfigureAwait(false);
                reader.Forget(old.Id);
            }
        }

        var sandboxes = await runtime.ListPodSandboxesAsync(null, cancellationToken).ConfigureAwait(false);
        var live = containers.Where(c => c.State == ContainerState.Running).Select(c => c.SandboxId).ToHashSet(StringComparer.Ordinal);
        foreach (var pod in sandboxes.GroupBy(s => s.Metadata.Uid))
        {
            foreach (var old in pod.OrderByDescending(s => s.CreatedAt).Skip(1).Where(s => s.State == PodSandboxState.NotReady && !live.Contains(s.Id)))
            {
                await RemoveAsync(() => runtime.RemovePodSandboxAsync(old.Id, cancellationToken), old.Id).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveAsync(Func<Task> remove, string id)
    {
        try
        {
            await remove().ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e) when (e is not RuntimeUnavailableException)
        {
            Log.RemoveFailed(logger, id, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not remove dead container {Id}: {Message}")]
        public static partial void RemoveFailed(ILogger logger, string id, string message);
    }
}
