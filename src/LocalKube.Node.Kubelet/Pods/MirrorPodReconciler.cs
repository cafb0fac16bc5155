using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// Keeps one mirror pod in the API for every static pod (<c>k8s: pkg/kubelet/pod/mirror_client.go</c>): named like
/// it, annotated <c>kubernetes.io/config.mirror</c> with its hash, owned by the Node. A deleted mirror is made again
/// (its containers keep running); a mirror of an old manifest or of a removed static pod is deleted.
/// </summary>
internal sealed partial class MirrorPodReconciler(IKubeletApi api, PodManager pods, Func<IReadOnlyCollection<V1Pod>> staticPods,
    Func<V1Node?> node, ILogger logger)
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly ConcurrentQueue<string> _removed = new();

    /// <summary>Called when a mirror pod was (re)created for a static pod UID.</summary>
    public event Action<string>? MirrorCreated;

    /// <summary>Asks for a reconcile.</summary>
    public void Trigger()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already triggered.
        }
    }

    /// <summary>
    /// Asks for the mirror of a removed static pod to be deleted: at the next reconcile, and again at each one after
    /// until the API has taken it.
    /// </summary>
    public void RemoveMirrorOf(string staticUid)
    {
        _removed.Enqueue(staticUid);
        Trigger();
    }

    /// <summary>Reconciles on every trigger and every few seconds until the token ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.Failed(logger, e.Message);
            }

            try
            {
                await _signal.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        for (var n = _removed.Count; n > 0 && _removed.TryDequeue(out var removed); n--)
        {
            try
            {
                await DeleteMirrorAsync(removed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _removed.Enqueue(removed);
                Log.Failed(logger, e.Message);
            }
        }

        var owner = node();
        foreach (var pod in staticPods())
        {
            var uid = pod.Metadata.Uid;
            var mirror = pods.Mirror(uid);
            if (mirror is not null && mirror.Metadata.DeletionTimestamp is null)
            {
                continue;
            }

            var existing = await api.GetPodAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                if (PodManager.IsMirror(existing) && existing.Metadata.Annotations[MirrorPods.MirrorAnnotation] == uid
                    && existing.Metadata.DeletionTimestamp is null)
                {
                    pods.SetMirror(existing);
                    continue;
                }

                // A mirror of an older manifest, or a stale one being deleted: replace it.
                if (PodManager.IsMirror(existing) && existing.Metadata.DeletionTimestamp is null)
                {
                    await api.DeletePodAsync(existing.Metadata.NamespaceProperty, existing.Metadata.Name, existing.Metadata.Uid, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            var created = await api.CreatePodAsync(Mirror(pod, owner), cancellationToken).ConfigureAwait(false);
            pods.SetMirror(created);
            Log.Created(logger, created.Metadata.NamespaceProperty, created.Metadata.Name);
            MirrorCreated?.Invoke(uid);
        }
    }

    private async Task DeleteMirrorAsync(string staticUid, CancellationToken cancellationToken)
    {
        if (pods.Mirror(staticUid) is { } mirror)
        {
            await api.DeletePodAsync(mirror.Metadata.NamespaceProperty, mirror.Metadata.Name, mirror.Metadata.Uid, cancellationToken).ConfigureAwait(false);
            pods.RemoveMirror(mirror);
        }
    }

    private V1Pod Mirror(V1Pod pod, V1Node? owner)
    {
        var copy = k8s.KubernetesJson.Deserialize<V1Pod>(k8s.KubernetesJson.Serialize(pod));
        copy.Metadata.Uid = null;
        copy.Metadata.ResourceVersion = null;
        copy.Metadata.CreationTimestamp = null;
        copy.Metadata.Annotations[MirrorPods.MirrorAnnotation] = pod.Metadata.Uid;
        copy.Status = null;
        if (owner?.Metadata?.Uid is { } nodeUid)
        {
            copy.Metadata.OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = owner.Metadata.Name, Uid = nodeUid, Controller = true },
            ];
        }

        return copy;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created mirror pod {Namespace}/{Name}")]
        public static partial void Created(ILogger logger, string @namespace, string name);

        [LoggerMessage(2, LogLevel.Warning, "Mirror pod reconcile failed, will retry: {Message}")]
        public static partial void Failed(ILogger logger, string message);
    }
}
