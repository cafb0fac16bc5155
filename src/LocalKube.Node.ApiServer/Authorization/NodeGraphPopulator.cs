using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Keeps the <see cref="NodeGraph"/> current from the store (upstream's graph populator): Pods, PersistentVolumes and
/// VolumeAttachments, each listed then watched through <see cref="StoreReflector"/>. A resource the server does not
/// serve counts as loaded and empty.
/// </summary>
public sealed partial class NodeGraphPopulator(ResourceStore store, NodeGraph graph, ILogger<NodeGraphPopulator> logger, TimeProvider time)
{
    /// <summary>Runs the watches until cancelled; a broken watch (storage outage included) is relisted, never fatal.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        WatchAsync<V1Pod>("", "Pod", "pods", graph.ReplacePods, graph.SetPod, cancellationToken),
        WatchAsync<V1PersistentVolume>("", "PersistentVolume", "persistentvolumes", graph.ReplaceVolumes, graph.SetVolume, cancellationToken),
        WatchAsync<V1VolumeAttachment>("storage.k8s.io", "VolumeAttachment", "volumeattachments", graph.ReplaceAttachments, graph.SetAttachment, cancellationToken));

    private Task WatchAsync<T>(
        string group, string kind, string source, Action<IEnumerable<T>> replace, Action<T, bool> apply, CancellationToken cancellationToken)
        where T : class
    {
        if (store.Resources.FindKind(group, kind) is not { } resource)
        {
            replace([]);
            graph.MarkLoaded(source);
            return Task.CompletedTask;
        }

        return StoreReflector.RunAsync(
            store,
            resource,
            initial =>
            {
                replace(initial.OfType<T>());
                graph.MarkLoaded(source);
            },
            (obj, removed) =>
            {
                if (obj is T typed)
                {
                    apply(typed, removed);
                }
            },
            e => Log.WatchFailed(logger, kind, e.Message),
            time,
            cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Node authorizer graph: {Kind} watch failed, relisting: {Message}")]
        public static partial void WatchFailed(ILogger logger, string kind, string message);
    }
}
