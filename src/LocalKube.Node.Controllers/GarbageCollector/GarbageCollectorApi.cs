using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Client.Resources;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// <see cref="IGarbageCollectorActions"/> over the collector's own client, for objects of any kind (the metadata
/// client): reads take the metadata, deletes carry a UID precondition, reference and finalizer changes are JSON
/// merge patches guarded by the resourceVersion they were computed from (a conflict re-reads and tries again).
/// </summary>
internal sealed class GarbageCollectorApi(DynamicClient client, ResourceMap resources, IEventRecorder recorder) : IGarbageCollectorActions
{
    private const int ConflictRetries = 5;
    private const string MergePatch = "application/merge-patch+json";

    /// <inheritdoc />
    public bool? IsNamespaced(string apiVersion, string kind) => resources.IsNamespaced(apiVersion, kind);

    /// <inheritdoc />
    public Task<V1ObjectMeta?> GetAsync(ObjectIdentity identity, CancellationToken cancellationToken) =>
        client.GetMetadataAsync(Resource(identity), Namespace(identity), identity.Name, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(ObjectIdentity identity, string propagation, CancellationToken cancellationToken) =>
        client.DeleteAsync(Resource(identity), Namespace(identity), identity.Name, propagation, cancellationToken, identity.Uid);

    /// <inheritdoc />
    public Task RemoveOwnerReferencesAsync(ObjectIdentity identity, IReadOnlyList<string> ownerUids, CancellationToken cancellationToken) =>
        PatchMetadataAsync(identity, meta =>
        {
            var references = meta.OwnerReferences ?? [];
            var kept = references.Where(r => !ownerUids.Contains(r.Uid)).ToList();
            return kept.Count == references.Count ? null : new JsonObject { ["ownerReferences"] = Serialize(kept) };
        }, cancellationToken);

    /// <inheritdoc />
    public Task UnblockOwnerReferencesAsync(ObjectIdentity identity, V1ObjectMeta latest, CancellationToken cancellationToken) =>
        PatchMetadataAsync(identity, meta =>
        {
            var references = Clone(meta.OwnerReferences ?? []);
            var changed = false;
            foreach (var r in references.Where(r => r.BlockOwnerDeletion == true))
            {
                r.BlockOwnerDeletion = false;
                changed = true;
            }

            return changed ? new JsonObject { ["ownerReferences"] = Serialize(references) } : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task RemoveFinalizerAsync(ObjectIdentity identity, string finalizer, CancellationToken cancellationToken) =>
        PatchMetadataAsync(identity, meta =>
        {
            var finalizers = meta.Finalizers ?? [];
            var kept = finalizers.Where(f => f != finalizer).ToList();
            return kept.Count == finalizers.Count ? null : new JsonObject { ["finalizers"] = Serialize(kept) };
        }, cancellationToken);

    /// <inheritdoc />
    public void Event(ObjectIdentity regarding, string type, string reason, string message) =>
        recorder.Eventf(MetadataObject.Of(regarding), null, type, reason, "Update", message);

    private static JsonNode? Serialize<T>(T value) => JsonSerializer.SerializeToNode(value, KubeJson.Options);

    private static List<V1OwnerReference> Clone(IList<V1OwnerReference> references) =>
        JsonSerializer.Deserialize<List<V1OwnerReference>>(JsonSerializer.Serialize(references, KubeJson.Options), KubeJson.Options) ?? [];

    private static string? Namespace(ObjectIdentity identity) => identity.Namespace.Length == 0 ? null : identity.Namespace;

    private ApiResource Resource(ObjectIdentity identity) => resources.Find(identity.ApiVersion, identity.Kind)
        ?? throw new InvalidOperationException($"unable to get REST mapping for {identity.ApiVersion}/{identity.Kind}");

    private async Task PatchMetadataAsync(ObjectIdentity identity, Func<V1ObjectMeta, JsonObject?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var meta = await GetAsync(identity, cancellationToken);
            if (meta is null || meta.Uid != identity.Uid || change(meta) is not { } patch)
            {
                return;
            }

            patch["resourceVersion"] = meta.ResourceVersion;
            patch["uid"] = meta.Uid;
            try
            {
                await client.PatchAsync(Resource(identity), Namespace(identity), identity.Name, MergePatch, new JsonObject { ["metadata"] = patch }.ToJsonString(), cancellationToken);
                return;
            }
            catch (KubeApiException e) when (e.StatusCode == 404)
            {
                return;
            }
            catch (KubeApiException e) when (KubeErrors.IsConflict(e) && attempt < ConflictRetries)
            {
                // Changed meanwhile: compute the patch again from the new state.
            }
        }
    }
}
