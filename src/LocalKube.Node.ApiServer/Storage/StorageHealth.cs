using LocalKube.Node.Storage;

namespace LocalKube.Node.ApiServer.Storage;

/// <summary>
/// Whether storage can take writes now: the embedded store reports its own write failure (a failed WAL step turns
/// it read-only); an external etcd is probed by <see cref="StorageService"/>, which records the last answer here.
/// </summary>
public sealed class StorageHealth(StoreAccessor accessor)
{
    private volatile string? _etcdProblem;

    /// <summary>Why storage is unhealthy, or null when it is healthy.</summary>
    public string? Problem => !accessor.IsOpen ? "storage is not open"
        : accessor.Store is EmbeddedKeyValueStore embedded ? embedded.WriteFailure
        : _etcdProblem;

    /// <summary>Records the outcome of the last probe of an external etcd (null: it answered).</summary>
    public void ReportEtcdProbe(string? problem) => _etcdProblem = problem;
}
