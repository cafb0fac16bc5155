using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.CronJob;

/// <summary>
/// The CronJob controller (<c>cronjob-controller</c>, upstream's v2): each CronJob is requeued for its next
/// scheduled time (+100 ms) and whenever one of its Jobs changes.
/// </summary>
public sealed class CronJobController : ControllerService
{
    /// <summary>The controller's name.</summary>
    public const string ControllerName = "cronjob-controller";

    private readonly ISharedInformer<V1CronJob> _cronJobs;
    private readonly ISharedInformer<V1Job> _jobs;
    private readonly RecorderEventSink _events;

    /// <summary>Creates the controller and registers its handlers.</summary>
    public CronJobController(ControllerContext context)
        : base(context)
    {
        Workers = 5;
        _events = new RecorderEventSink(Recorder);
        _cronJobs = Watch<V1CronJob>(enqueue: true);
        _jobs = Watch<V1Job>();
        _jobs.AddEventHandler(ResourceEventHandler<V1Job>.ForAll(job =>
        {
            if (OwnerLookup.ControllerOf(_cronJobs.Lister, job, "CronJob") is { } owner)
            {
                Enqueue(owner);
            }
        }));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKeys.Split(key);
        var cached = _cronJobs.Lister.Get(ns, name);
        if (cached is null)
        {
            return ReconcileResult.Done;
        }

        var cj = KubeJson.Clone(cached);
        var jobs = _jobs.Lister.ByOwner(cj.Metadata.Uid).Where(j => ControllerRefs.IsControlledBy(j.Metadata, cj.Metadata.Uid)).ToList();
        var after = await new CronJobSync(new CronJobApi(Client, _events), Time).SyncAsync(cj, jobs, cancellationToken);
        return after is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }
}
