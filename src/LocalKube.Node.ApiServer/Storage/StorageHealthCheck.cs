using LocalKube.Node.Hosting;

namespace LocalKube.Node.ApiServer.Storage;

/// <summary>
/// Upstream's storage checks: <c>etcd</c> in <c>/healthz</c>, <c>/livez</c> and <c>/readyz</c>, and
/// <c>etcd-readiness</c> in <c>/readyz</c>. Both fail while storage cannot take writes (the embedded store's WAL failed,
/// or an external etcd does not answer), when every write would otherwise return 500.
/// </summary>
public sealed class StorageHealthCheck(string name, IReadOnlyCollection<string> endpoints, StorageHealth health) : INodeHealthCheck
{
    /// <summary>The check listed in every health endpoint.</summary>
    public const string Etcd = "etcd";

    /// <summary>The readiness-only check.</summary>
    public const string EtcdReadiness = "etcd-readiness";

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Endpoints => endpoints;

    /// <inheritdoc />
    public bool IsHealthy => health.Problem is null;
}
