using System.Collections.Concurrent;
using System.Text.Json;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// The namespace lifecycle check of every namespaced create (404 for a missing namespace, 403 for a terminating one).
/// Upstream answers it from an informer cache; here a short-lived cache of what was read: an open namespace is
/// remembered for <see cref="NamespaceStateTtl"/>, and every namespace write through this store forgets all entries,
/// so a namespace this API server marks terminating is seen at once. The TTL bounds how long a write made elsewhere
/// (another API server on a shared etcd) goes unseen, like an informer's lag. Missing namespaces are never cached.
/// </summary>
public sealed partial class ResourceStore
{
    private static readonly TimeSpan NamespaceStateTtl = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _openNamespaces = new(StringComparer.Ordinal);
    private long _namespaceWrites;

    private async Task EnsureNamespaceOpenAsync(RestResource resource, string ns, string name, CancellationToken cancellationToken)
    {
        if (Resources.Namespaces is not { } namespaces || resource == namespaces)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_openNamespaces.TryGetValue(ns, out var until) && until > now)
        {
            return;
        }

        var writes = Interlocked.Read(ref _namespaceWrites);
        var stored = await TryGetAsync(namespaces, null, ns, cancellationToken)
            ?? throw StatusException.NotFound("", "namespaces", ns);
        if (IsTerminating(stored))
        {
            throw StatusException.Forbidden(resource.Group, resource.Plural, name,
                $"unable to create new content in namespace {ns} because it is being terminated");
        }

        // A namespace write that raced with this read may have made what was read stale: then do not remember it.
        if (Interlocked.Read(ref _namespaceWrites) == writes)
        {
            _openNamespaces[ns] = now + NamespaceStateTtl;
        }
    }

    /// <summary>Forgets the cached namespace states when <paramref name="key"/> is a namespace's key.</summary>
    private void NamespaceWritten(string key)
    {
        if (Resources.Namespaces is { } namespaces && key.StartsWith(namespaces.Prefix(null), StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _namespaceWrites);
            _openNamespaces.Clear();
        }
    }

    // Reads the two fields from the stored JSON instead of decoding the whole Namespace.
    private static bool IsTerminating(StoredObject ns)
    {
        if (ns.IsDecoded)
        {
            return ns.Object.Metadata.DeletionTimestamp is not null || (ns.Object as V1Namespace)?.Status?.Phase == "Terminating";
        }

        using var doc = JsonDocument.Parse(ns.Raw);
        var root = doc.RootElement;
        return (root.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("deletionTimestamp", out var deleted) && deleted.ValueKind != JsonValueKind.Null)
            || (root.TryGetProperty("status", out var status) && status.TryGetProperty("phase", out var phase) && phase.ValueKind == JsonValueKind.String && phase.ValueEquals("Terminating"));
    }
}
