using System.Collections.Concurrent;
using k8s.Models;
using LocalKube.Node.Scheduler.Cache;
using LocalKube.Node.Scheduler.Framework;
using LocalKube.Node.Scheduler.Plugins;
using LocalKube.Node.Scheduler.Queue;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Scheduler.Runtime;

/// <summary>
/// kube-scheduler's main loop (<c>schedule_one.go</c>): pop the next pod, run the framework against the cache while
/// holding it, assume the pod on the chosen node, then bind it in the background (volume binding first) while the
/// next pod is scheduled. A pod that fits nowhere gets <c>PodScheduled=False</c>, a <c>FailedScheduling</c> event and
/// goes back to the queue; a pod that a preemption can place gets its victims evicted and is nominated to the node.
/// Informer handlers call the <c>On…</c> methods.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>Upstream's scheduler name, which pods select with <c>spec.schedulerName</c>.</summary>
    public const string DefaultSchedulerName = "default-scheduler";

    /// <summary>Events carry notes of at most this many bytes (events.k8s.io validation).</summary>
    public const int NoteLengthLimit = 1024;

    /// <summary>How long the binding cycle waits for a pod's claims to become Bound (upstream's bind timeout).</summary>
    public static readonly TimeSpan VolumeBindTimeout = TimeSpan.FromMinutes(10);

    private readonly SchedulingFramework _framework;
    private readonly SchedulingQueue _queue;
    private readonly SchedulerCache _cache;
    private readonly ISchedulerListers _listers;
    private readonly ISchedulerActions _actions;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _bindSlots;
    private readonly Nominator _nominator = new();
    private readonly ConcurrentDictionary<Task, byte> _binding = new();

    /// <summary>Creates the scheduler.</summary>
    public Scheduler(
        SchedulingFramework framework, SchedulingQueue queue, SchedulerCache cache, ISchedulerListers listers, ISchedulerActions actions, ILogger logger,
        TimeProvider time, int parallelBinds = 32)
    {
        _framework = framework ?? throw new ArgumentNullException(nameof(framework));
        _queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _listers = listers ?? throw new ArgumentNullException(nameof(listers));
        _actions = actions ?? throw new ArgumentNullException(nameof(actions));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _bindSlots = new SemaphoreSlim(parallelBinds, parallelBinds);
    }

    /// <summary>The queue (for tests and metrics).</summary>
    public SchedulingQueue Queue => _queue;

    /// <summary>Whether this scheduler is responsible for <paramref name="pod"/>.</summary>
    public static bool IsResponsibleFor(V1Pod pod) => (pod.Spec?.SchedulerName ?? DefaultSchedulerName) == DefaultSchedulerName;

    /// <summary>Upstream's <c>truncateMessage</c>: at most 1024 bytes, cut with <c> ...</c>.</summary>
    public static string Truncate(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Length <= NoteLengthLimit ? message : message[..(NoteLengthLimit - 4)] + " ...";
    }

    /// <summary>A pod was added or changed.</summary>
    public void OnPodChanged(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = PodInfo.KeyOf(pod.Metadata.NamespaceProperty, pod.Metadata.Name);
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            _queue.Delete(key);
            _nominator.Remove(key);
            Move(_cache.SetPod(pod));
            return;
        }

        if (SchedulerCache.IsTerminal(pod) || !IsResponsibleFor(pod))
        {
            _queue.Delete(key);
            _nominator.Remove(key);
            return;
        }

        _nominator.Set(new PodInfo(pod), pod.Status?.NominatedNodeName);
        if (!_cache.IsAssumed(key))
        {
            _queue.Update(pod);
        }
    }

    /// <summary>A pod was deleted.</summary>
    public void OnPodDeleted(string ns, string name)
    {
        var key = PodInfo.KeyOf(ns, name);
        _queue.Delete(key);
        _nominator.Remove(key);
        Move(_cache.RemovePod(key));
    }

    /// <summary>A node was added or changed.</summary>
    public void OnNodeChanged(V1Node node) => Move(_cache.SetNode(node));

    /// <summary>A node was deleted.</summary>
    public void OnNodeDeleted(string name) => _cache.RemoveNode(name);

    /// <summary>Something else the plugins read changed (claims, volumes, classes, namespace labels).</summary>
    public void OnClusterEvent(ClusterEvents events) => Move(events);

    /// <summary>Schedules pods until <paramref name="cancellationToken"/> is cancelled, then waits for bindings in flight.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await ScheduleOneAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _queue.Close();
            await Task.WhenAll(_binding.Keys);
        }
    }

    /// <summary>Waits for the binding cycles in flight (tests).</summary>
    public Task IdleAsync() => Task.WhenAll(_binding.Keys);

    /// <summary>One scheduling cycle: pops a pod, places it, starts its binding cycle.</summary>
    public async Task ScheduleOneAsync(CancellationToken cancellationToken)
    {
        var queued = await _queue.PopAsync(cancellationToken);
        var pod = queued.Pod;
        if (pod.Pod.Metadata.DeletionTimestamp is not null)
        {
            _queue.Done(pod.Key);
            return;
        }

        ScheduleResult result;
        lock (_cache.Lock)
        {
            result = _framework.Schedule(pod, _cache.Snapshot(_listers), _nominator.For);
            if (result.NodeName is { } chosen)
            {
                _cache.Assume(pod, chosen);
            }
        }

        if (result.NodeName is not { } node)
        {
            await FailAsync(queued, result.FitError?.UnschedulablePlugins ?? [], result.FailureMessage,
                result.FitError is null ? "SchedulerError" : "Unschedulable", result.Preemption, cancellationToken);
            return;
        }

        await _bindSlots.WaitAsync(cancellationToken);
        var task = BindingCycleAsync(queued, node, result.State, cancellationToken);
        _binding.TryAdd(task, 0);
        _ = task.ContinueWith(t => _binding.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task BindingCycleAsync(QueuedPodInfo queued, string node, CycleState state, CancellationToken cancellationToken)
    {
        var pod = queued.Pod;
        try
        {
            await BindVolumesAsync(pod, node, state, cancellationToken);
            await _actions.BindAsync(pod.Pod, node, cancellationToken);
            _queue.Done(pod.Key);
            _nominator.Remove(pod.Key);
            _actions.Event(pod.Pod, null, "Normal", "Scheduled", "Binding", $"Successfully assigned {pod.Namespace}/{pod.Name} to {node}");
            Log.Bound(_logger, pod.Key, node);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _cache.Forget(pod.Key);
        }
        catch (Exception e)
        {
            _cache.Forget(pod.Key);

            // The room it held is free again.
            Move(ClusterEvents.AssignedPodDelete);
            Log.BindFailed(_logger, pod.Key, node, e.Message);
            try
            {
                await FailAsync(queued, [], $"running Bind plugin \"DefaultBinder\": {e.Message}", "SchedulerError", null, cancellationToken);
            }
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                Log.StatusFailed(_logger, pod.Key, inner.Message);
            }
        }
        finally
        {
            _bindSlots.Release();
        }
    }

    private async Task BindVolumesAsync(PodInfo pod, string node, CycleState state, CancellationToken cancellationToken)
    {
        var plan = VolumeBinding.PlanFor(state, node);
        if (plan is null)
        {
            return;
        }

        foreach (var (claim, volume) in plan.StaticBindings)
        {
            var copy = k8s.KubernetesJson.Deserialize<V1PersistentVolume>(k8s.KubernetesJson.Serialize(volume));
            copy.Spec.ClaimRef = new V1ObjectReference
            {
                Kind = "PersistentVolumeClaim", ApiVersion = "v1", NamespaceProperty = claim.Metadata.NamespaceProperty, Name = claim.Metadata.Name,
                Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
            };
            (copy.Metadata.Annotations ??= new Dictionary<string, string>())["pv.kubernetes.io/bound-by-controller"] = "yes";
            await _actions.UpdateVolumeAsync(copy, cancellationToken);
        }

        foreach (var claim in plan.Provisions)
        {
            var copy = k8s.KubernetesJson.Deserialize<V1PersistentVolumeClaim>(k8s.KubernetesJson.Serialize(claim));
            (copy.Metadata.Annotations ??= new Dictionary<string, string>())[VolumeBinding.SelectedNodeAnnotation] = node;
            await _actions.UpdateClaimAsync(copy, cancellationToken);
        }

        var unbound = plan.Claims.Where(c => _listers.Claim(c.Namespace, c.Name)?.Status?.Phase != "Bound").ToList();
        if (unbound.Count > 0 && !await _actions.WaitForClaimsBoundAsync(unbound, VolumeBindTimeout, cancellationToken))
        {
            throw new TimeoutException("binding volumes: timed out waiting for the condition");
        }
    }

    private async Task FailAsync(
        QueuedPodInfo queued, IEnumerable<string> plugins, string message, string reason, PreemptionPlan? preemption, CancellationToken cancellationToken)
    {
        var pod = queued.Pod;
        var current = _actions.CurrentPod(pod.Namespace, pod.Name);
        if (current is null || current.Metadata.Uid != pod.Uid || !string.IsNullOrEmpty(current.Spec?.NodeName))
        {
            // Deleted, replaced or bound meanwhile: nothing to retry.
            _queue.Done(pod.Key);
            return;
        }

        _queue.Requeue(queued, plugins);
        string? nominated = null;
        if (preemption is not null)
        {
            await PreemptAsync(current, preemption, cancellationToken);
            nominated = preemption.NodeName;
            _nominator.Set(pod, nominated);
        }

        Log.Unschedulable(_logger, pod.Key, message);
        _actions.Event(current, null, "Warning", "FailedScheduling", "Scheduling", Truncate(message));
        var status = Json.Clone(current.Status ?? new V1PodStatus());
        var changed = SetCondition(status, new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = reason, Message = message });
        if ((status.NominatedNodeName ?? "") != (nominated ?? ""))
        {
            status.NominatedNodeName = nominated;
            changed = true;
        }

        if (changed)
        {
            await _actions.PatchPodStatusAsync(current, status, cancellationToken);
        }
    }

    private async Task PreemptAsync(V1Pod preemptor, PreemptionPlan plan, CancellationToken cancellationToken)
    {
        foreach (var victim in plan.Victims)
        {
            var status = Json.Clone(victim.Pod.Status ?? new V1PodStatus());
            var condition = new V1PodCondition
            {
                Type = "DisruptionTarget", Status = "True", Reason = Preemption.DisruptionReason,
                Message = $"{preemptor.Spec?.SchedulerName ?? DefaultSchedulerName}: preempting to accommodate a higher priority pod",
            };
            if (SetCondition(status, condition))
            {
                await _actions.PatchPodStatusAsync(victim.Pod, status, cancellationToken);
            }

            await _actions.DeletePodAsync(victim.Pod, cancellationToken);
            _actions.Event(victim.Pod, preemptor, "Normal", "Preempted", "Preempting", $"Preempted by pod {preemptor.Metadata.Uid} on node {plan.NodeName}");
        }
    }

    // upstream podutil.UpdatePodCondition: the transition time moves only with the status.
    private bool SetCondition(V1PodStatus status, V1PodCondition condition)
    {
        status.Conditions ??= [];
        var index = status.Conditions.ToList().FindIndex(c => c.Type == condition.Type);
        var now = _time.GetUtcNow().UtcDateTime;
        condition.LastTransitionTime = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        if (index < 0)
        {
            status.Conditions.Add(condition);
            return true;
        }

        var old = status.Conditions[index];
        if (old.Status == condition.Status)
        {
            condition.LastTransitionTime = old.LastTransitionTime;
        }

        var same = old.Status == condition.Status && old.Reason == condition.Reason && old.Message == condition.Message
            && old.LastProbeTime == condition.LastProbeTime && old.LastTransitionTime == condition.LastTransitionTime;
        status.Conditions[index] = condition;
        return !same;
    }

    private void Move(ClusterEvents events)
    {
        if (events != ClusterEvents.None)
        {
            _queue.MoveAll(events);
        }
    }

    private static class Json
    {
        public static T Clone<T>(T value) => k8s.KubernetesJson.Deserialize<T>(k8s.KubernetesJson.Serialize(value));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Bound {Pod} to {Node}")]
        public static partial void Bound(ILogger logger, string pod, string node);

        [LoggerMessage(2, LogLevel.Information, "Unable to schedule {Pod}: {Message}")]
        public static partial void Unschedulable(ILogger logger, string pod, string message);

        [LoggerMessage(3, LogLevel.Warning, "Binding {Pod} to {Node} failed: {Message}")]
        public static partial void BindFailed(ILogger logger, string pod, string node, string message);

        [LoggerMessage(4, LogLevel.Warning, "Updating the status of {Pod} failed: {Message}")]
        public static partial void StatusFailed(ILogger logger, string pod, string message);
    }
}
