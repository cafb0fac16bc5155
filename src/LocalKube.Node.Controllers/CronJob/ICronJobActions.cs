using k8s.Models;

namespace LocalKube.Node.Controllers.CronJob;

/// <summary>The reads (live, where upstream reads past the cache) and writes of a CronJob sync.</summary>
public interface ICronJobActions
{
    /// <summary>Creates a Job; throws the API error (AlreadyExists included).</summary>
    Task<V1Job> CreateJobAsync(V1Job job, CancellationToken cancellationToken);

    /// <summary>Reads a Job from the server; null when it does not exist.</summary>
    Task<V1Job?> GetJobAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Deletes a Job with background propagation; throws the API error.</summary>
    Task DeleteJobAsync(V1Job job, CancellationToken cancellationToken);

    /// <summary>Reads the CronJob from the server; null when it does not exist.</summary>
    Task<V1CronJob?> GetCronJobAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>Writes the CronJob's status.</summary>
    Task UpdateStatusAsync(V1CronJob cronJob, CancellationToken cancellationToken);

    /// <summary>Records an event on the CronJob.</summary>
    void Event(V1CronJob cronJob, string type, string reason, string message);
}
