using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Client.Informers;

/// <summary>The type-independent face of an informer: what it watches and whether its cache is synced.</summary>
public interface ISharedInformer
{
    /// <summary>The resource it lists and watches.</summary>
    ApiResource Resource { get; }

    /// <summary>What it watches.</summary>
    InformerOptions Options { get; }

    /// <summary>Whether the first list is in the cache (and handed to the handlers registered so far).</summary>
    bool HasSynced { get; }

    /// <summary>The resourceVersion of the last list, event or bookmark seen.</summary>
    string LastSyncResourceVersion { get; }

    /// <summary>Completes once <see cref="HasSynced"/>.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
