using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.CronJob;

/// <summary><see cref="ICronJobActions"/> over the controller's API client.</summary>
public sealed class CronJobApi(IKubernetes client, IEventSink events) : ICronJobActions
{
    /// <inheritdoc />
    public Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancellationToken) =>
        client.BatchV1.CreateNamespacedJobAsync(job, job.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task<V1Job?> GetJobAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task DeleteJobAsync(V1Job job, CancellationToken cancellationToken) =>
        client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty, propagationPolicy: "Background", cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task<V1CronJob?> GetCronJobAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.BatchV1.ReadNamespacedCronJobAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task UpdateStatusAsync(V1CronJob cronJob, CancellationToken cancellationToken) =>
        client.BatchV1.ReplaceNamespacedCronJobStatusAsync(cronJob, cronJob.Metadata.Name, cronJob.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Event(V1CronJob cronJob, string type, string reason, string message) => events.Event(cronJob, type, reason, message);
}
