using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LocalKube.Node.Kubelet.Probes;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// The kubelet's pod statuses (upstream's status manager): the latest computed status per pod, sent to the API
/// server whenever it changes (coalesced: only the newest is sent) and re-sent every resync period when the API
/// differs. Static pods' statuses go to their mirror pods. Once a deleted pod has terminated, it sends the final
/// DELETE (grace 0, UID precondition), never for mirror pods.
/// </summary>
internal sealed partial class StatusManager : IPodStatusSource
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly IKubeletApi _api;
    private readonly PodManager _pods;
    private readonly KubeletOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StatusManager(IKubeletApi api, PodManager pods, KubeletOptions options, TimeProvider time, ILogger logger)
    {
        _api = api;
        _pods = pods;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Called when a deleted pod has been removed from the API by the final delete.</summary>
    public event Action<string>? PodDeleted;

    /// <inheritdoc />
    public V1PodStatus? GetStatus(string podUid) => _entries.TryGetValue(podUid, out var e) ? e.Status : null;

    /// <summary>Stores <paramref name="status"/> for <paramref name="pod"/>; queues a send when it changed.</summary>
    public void SetPodStatus(V1Pod pod, V1PodStatus status)
    {
        var uid = pod.Metadata.Uid;
        var json = KubernetesJson.Serialize(status);
        var entry = _entries.AddOrUpdate(uid, _ => new Entry(pod, status, json), (_, old) =>
        {
            if (old.Json == json)
            {
                old.Pod = pod;
                return old;
            }

            return new Entry(pod, status, json) { SentJson = old.SentJson, ReadyToDelete = old.ReadyToDelete };
        });
        if (entry.SentJson != json)
        {
            MarkDirty(uid);
        }
    }

    /// <summary>Marks a terminated pod whose containers are gone: it may now be deleted from the API (if deleted).</summary>
    public void SetTerminated(string uid)
    {
        if (_entries.TryGetValue(uid, out var e))
        {
            e.ReadyToDelete = true;
            MarkDirty(uid);
        }
    }

    /// <summary>Sends the status again even if unchanged (a static pod got a new mirror pod).</summary>
    public void Invalidate(string uid)
    {
        if (_entries.TryGetValue(uid, out var e))
        {
            e.SentJson = null;
            MarkDirty(uid);
        }
    }

    /// <summary>Forgets a pod removed for good.</summary>
    public void Remove(string uid)
    {
        _entries.TryRemove(uid, out _);
        _dirty.TryRemove(uid, out _);
    }

    /// <summary>Sends statuses until the token ends: on change at once, and everything every resync period.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextResync = _time.GetUtcNow() + _options.StatusResyncPeriod;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = nextResync - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await _signal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            if (_time.GetUtcNow() >= nextResync)
            {
                foreach (var uid in _entries.Keys)
                {
                    _dirty.TryAdd(uid, 0);
                }

                nextResync = _time.GetUtcNow() + _options.StatusResyncPeriod;
            }

            var batch = _dirty.Keys.ToList();
            foreach (var uid in batch)
            {
                _dirty.TryRemove(uid, out _);
            }

            // Sends run in parallel (a thousand pods starting at once), a bounded number at a time.
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (uid, ct) => await SyncAsync(uid, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private void MarkDirty(string uid)
    {
        if (_dirty.TryAdd(uid, 0))
        {
            _signal.Release();
        }
    }

    private async Task SyncAsync(string uid, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(uid, out var entry))
        {
            return;
        }

        var target = entry.Pod;
        if (PodManager.IsStatic(target))
        {
            // A static pod's status lives on its mirror pod; none yet means nothing to write to.
            target = _pods.Mirror(uid);
            if (target is null)
            {
                return;
            }
        }

        try
        {
            var json = entry.Json;
            if (entry.SentJson != json)
            {
                var stored = await _api.PatchPodStatusAsync(target, entry.Status, cancellationToken).ConfigureAwait(false);
                if (stored is null)
                {
                    Log.PodGone(_logger, target.Metadata.NamespaceProperty, target.Metadata.Name);
                    return;
                }

                entry.SentJson = json;
            }

            if (entry.ReadyToDelete && entry.Pod.Metadata.DeletionTimestamp is not null && !PodManager.IsStatic(entry.Pod))
            {
                await _api.DeletePodAsync(target.Metadata.NamespaceProperty, target.Metadata.Name, target.Metadata.Uid, cancellationToken).ConfigureAwait(false);
                Log.Deleted(_logger, target.Metadata.NamespaceProperty, target.Metadata.Name);
                PodDeleted?.Invoke(uid);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SendFailed(_logger, target.Metadata.NamespaceProperty, target.Metadata.Name, e.Message);

            // Try again at the next resync (or the next change).
            entry.SentJson = null;
        }
    }

    /// <summary>JSON of a status as a merge patch: every field we own, explicit nulls to clear reason and message.</summary>
    public static string PatchBody(string uid, V1PodStatus status)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        node.TryAdd("reason", null);
        node.TryAdd("message", null);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["uid"] = uid },
            ["status"] = node,
        };
        return patch.ToJsonString();
    }

    private sealed class Entry(V1Pod pod, V1PodStatus status, string json)
    {
        public V1Pod Pod { get; set; } = pod;

        public V1PodStatus Status { get; } = status;

        public string Json { get; } = json;

        public volatile string? SentJson;

        public volatile bool ReadyToDelete;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not update the status of pod {Namespace}/{Name}: {Message}")]
        public static partial void SendFailed(ILogger logger, string @namespace, string name, string message);

        [LoggerMessage(2, LogLevel.Debug, "Pod {Namespace}/{Name} is gone; its status was not written")]
        public static partial void PodGone(ILogger logger, string @namespace, string name);

        [LoggerMessage(3, LogLevel.Information, "Pod {Namespace}/{Name} terminated and was deleted")]
        public static partial void Deleted(ILogger logger, string @namespace, string name);
    }
}
