using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// The Job controller (<c>job-controller</c>): pods, counts and conditions as <see cref="JobSync"/> decides, pod
/// events batched to at most one sync a second per Job, and the tracking finalizer removed from pods whose Job is
/// gone or finished (queued as <c>pod:&lt;ns&gt;/&lt;name&gt;</c>).
/// </summary>
public sealed class JobController : ControllerService
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "job-controller";

    private const string OrphanPrefix = "pod:";
    private static readonly TimeSpan BatchPeriod = TimeSpan.FromSeconds(1);

    private readonly ISharedInformer<V1Job> _jobs;
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly RecorderEventSink _events;
    private readonly JobExpectations _expectations;
    private readonly ConcurrentDictionary<string, JobBackoff> _backoff = new(StringComparer.Ordinal);

    /// <summary>Creates the controller and registers its handlers.</summary>
    public JobController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _events = new RecorderEventSink(Recorder);
        _expectations = new JobExpectations(Time);
        _jobs = Watch<V1Job>();
        _pods = Watch<V1Pod>();
        PodIndexes.AddOrphanIndex(_pods);
        _jobs.AddEventHandler(new ResourceEventHandler<V1Job>((j, _) => Enqueue(j), (_, j) => Enqueue(j), (j, _) => OnJobDeleted(j)));
        _pods.AddEventHandler(new ResourceEventHandler<V1Pod>((p, _) => OnPodAdd(p), OnPodUpdate, (p, _) => OnPodDelete(p)));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (key.StartsWith(OrphanPrefix, StringComparison.Ordinal))
        {
            await RemoveOrphanFinalizerAsync(key[OrphanPrefix.Length..], cancellationToken);
            return ReconcileResult.Done;
        }

        var (ns, name) = ObjectKeys.Split(key);
        var cached = _jobs.Lister.Get(ns, name);
        if (cached is null)
        {
            _expectations.Delete(key);
            _backoff.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        var job = KubeJson.Clone(cached);
        var satisfied = _expectations.Satisfied(key);
        var selector = LabelSelector.FromLabelSelector(job.Spec?.Selector);
        var manager = new ControllerRefManager(job, selector, ct => CanAdoptAsync(job, ct));
        var candidates = _pods.Lister.ByOwner(job.Metadata.Uid).Concat(_pods.Lister.ByIndex(PodIndexes.Orphans, ns ?? "")).Distinct();
        var pods = await manager.ClaimAsync(candidates, new ResourceClient<V1Pod>(Client), cancellationToken);
        var api = new JobApi(Client, _events, _expectations, key);
        var result = await new JobSync(api, Time).SyncAsync(job, pods.ToList(), satisfied, _expectations.PendingFinalizerRemovals(key), _backoff.GetValueOrDefault(key, JobBackoff.None), cancellationToken);
        if (result.Backoff is { } backoff)
        {
            _backoff[key] = backoff;
        }
        else
        {
            _backoff.TryRemove(key, out _);
        }

        return result.RequeueAfter is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<bool> CanAdoptAsync(V1Job job, CancellationToken ct)
    {
        var fresh = await Client.BatchV1.ReadNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty, cancellationToken: ct);
        return fresh.Metadata.Uid == job.Metadata.Uid && fresh.Metadata.DeletionTimestamp is null;
    }

    // syncOrphanPod: a pod still carrying the finalizer, whose Job is gone or finished, lets go of it.
    private async Task RemoveOrphanFinalizerAsync(string podKey, CancellationToken ct)
    {
        var (ns, name) = ObjectKeys.Split(podKey);
        var pod = _pods.Lister.Get(ns, name);
        if (pod is null || !JobPods.HasTrackingFinalizer(pod))
        {
            return;
        }

        if (ControllerRefs.Of(pod.Metadata) is { } reference)
        {
            if (reference.Kind != "Job" || reference.ApiVersion != "batch/v1")
            {
                return;
            }

            var job = _jobs.Lister.Get(ns, reference.Name);
            if (job is not null && job.Metadata.Uid == reference.Uid && !JobConditions.IsFinished(job))
            {
                return;
            }
        }

        try
        {
            await Client.CoreV1.PatchNamespacedPodAsync(Patches.RemoveFinalizer(pod.Metadata, JobPods.TrackingFinalizer), name, ns, cancellationToken: ct);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            // Gone.
        }
    }

    private void EnqueueOrphan(V1Pod pod) => Queue.Add(OrphanPrefix + ObjectKeys.KeyOf(pod));

    private void EnqueueBatched(V1Job job) => EnqueueAfter(job, BatchPeriod);

    private void OnJobDeleted(V1Job job)
    {
        Enqueue(job);
        foreach (var pod in _pods.Lister.ByOwner(job.Metadata.Uid).Where(JobPods.HasTrackingFinalizer))
        {
            EnqueueOrphan(pod);
        }
    }

    private void OnPodAdd(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            OnPodDelete(pod);
            return;
        }

        if (OwnerLookup.ControllerOf(_jobs.Lister, pod, "Job") is { } job)
        {
            _expectations.Pods.CreationObserved(ObjectKeys.KeyOf(job));
            EnqueueBatched(job);
            return;
        }

        if (JobPods.HasTrackingFinalizer(pod))
        {
            EnqueueOrphan(pod);
        }
    }

    private void OnPodUpdate(V1Pod old, V1Pod pod)
    {
        if (old.Metadata.ResourceVersion == pod.Metadata.ResourceVersion)
        {
            return;
        }

        var job = OwnerLookup.ControllerOf(_jobs.Lister, pod, "Job");
        if (job is not null && JobPods.HasTrackingFinalizer(old) && !JobPods.HasTrackingFinalizer(pod))
        {
            _expectations.FinalizerRemoved(ObjectKeys.KeyOf(job), pod.Metadata.Uid);
        }

        if (pod.Metadata.DeletionTimestamp is not null && old.Metadata.DeletionTimestamp is null && job is not null)
        {
            _expectations.DeletionObserved(ObjectKeys.KeyOf(job));
        }

        if (ControllerRefs.Of(old.Metadata)?.Uid != ControllerRefs.Of(pod.Metadata)?.Uid && OwnerLookup.ControllerOf(_jobs.Lister, old, "Job") is { } previous)
        {
            EnqueueBatched(previous);
        }

        if (job is null)
        {
            if (JobPods.HasTrackingFinalizer(pod))
            {
                EnqueueOrphan(pod);
            }

            return;
        }

        if (JobConditions.IsFinished(job) && JobPods.HasTrackingFinalizer(pod))
        {
            EnqueueOrphan(pod);
        }

        EnqueueBatched(job);
    }

    private void OnPodDelete(V1Pod pod)
    {
        if (OwnerLookup.ControllerOf(_jobs.Lister, pod, "Job") is { } job)
        {
            var key = ObjectKeys.KeyOf(job);
            _expectations.DeletionObserved(key);
            _expectations.FinalizerRemoved(key, pod.Metadata.Uid);
            EnqueueBatched(job);
        }
    }
}
