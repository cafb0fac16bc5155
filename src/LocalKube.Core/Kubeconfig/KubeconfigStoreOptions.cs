namespace LocalKube.Core.Kubeconfig;

/// <summary>Lock timing of <see cref="KubeconfigStore"/>.</summary>
public sealed record KubeconfigStoreOptions
{
    /// <summary>How long to wait for another writer's lock before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A lock file older than this is left over by a crashed writer and is removed. A real write holds the lock for
    /// milliseconds, so ten seconds is far beyond any live holder.
    /// </summary>
    public TimeSpan StaleLockAge { get; init; } = TimeSpan.FromSeconds(10);
}
