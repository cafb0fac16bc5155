using LocalKube.Node.Storage;

namespace LocalKube.Node.ApiServer.Storage;

/// <summary>
/// Hands the store opened by <see cref="StorageService"/> to the API server and its controllers. Only those touch
/// storage (docs/design.md); they run after the Storage readiness gate opens, so <see cref="Store"/> is set by then.
/// </summary>
public sealed class StoreAccessor
{
    private volatile IKeyValueStore? _store;

    /// <summary>The open store.</summary>
    /// <exception cref="InvalidOperationException">Storage is not open (not started yet, or stopped).</exception>
    public IKeyValueStore Store => _store ?? throw new InvalidOperationException("storage is not open");

    /// <summary>Whether the store is open.</summary>
    public bool IsOpen => _store is not null;

    /// <summary>
    /// A warning every API response carries while the store is served beyond loopback without authentication
    /// (<c>storage.allow-external=true</c>); null otherwise.
    /// </summary>
    public string? ExposureWarning { get; set; }

    /// <summary>Publishes (or, with null, withdraws) the store.</summary>
    public void Set(IKeyValueStore? store) => _store = store;
}
