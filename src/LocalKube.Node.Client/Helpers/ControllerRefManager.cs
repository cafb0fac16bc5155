using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Client.Helpers;

/// <summary>
/// Upstream's <c>ControllerRefManager</c>: decides which objects an owner (e.g. a ReplicaSet) controls. Objects it
/// controls and its selector matches are kept; ones it controls that no longer match are released (their
/// controller reference removed); matching orphans are adopted (a controller reference added), after
/// <paramref name="canAdopt"/> confirms, with a fresh read, that the owner is still the same live object. Objects
/// of another controller, and deleting ones, are left alone. Adoption and release are strategic merge patches that
/// carry the object's UID as a precondition.
/// </summary>
public sealed class ControllerRefManager(IKubernetesObject<V1ObjectMeta> owner, LabelSelector selector, Func<CancellationToken, Task<bool>> canAdopt)
{
    private bool? _canAdopt;

    /// <summary>The objects <paramref name="candidates"/> the owner controls once claimed (adopting and releasing as needed).</summary>
    public async Task<IReadOnlyList<T>> ClaimAsync<T>(IEnumerable<T> candidates, ResourceClient<T> client, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(client);
        var claimed = new List<T>();
        var ownerDeleting = owner.Metadata.DeletionTimestamp is not null;
        foreach (var obj in candidates)
        {
            var controllerRef = OwnerReferences.GetControllerOf(obj);
            if (controllerRef is not null)
            {
                if (controllerRef.Uid != owner.Metadata.Uid)
                {
                    continue;
                }

                if (selector.Matches(obj.Metadata.Labels) || ownerDeleting)
                {
                    claimed.Add(obj);
                    continue;
                }

                await PatchIgnoringGoneAsync(client, obj, ReleasePatch(obj), cancellationToken);
                continue;
            }

            if (ownerDeleting || !selector.Matches(obj.Metadata.Labels) || obj.Metadata.DeletionTimestamp is not null
                || obj.Metadata.NamespaceProperty != owner.Metadata.NamespaceProperty)
            {
                continue;
            }

            _canAdopt ??= await canAdopt(cancellationToken);
            if (_canAdopt != true)
            {
                continue;
            }

            if (await PatchIgnoringGoneAsync(client, obj, AdoptPatch(obj), cancellationToken) is { } adopted)
            {
                claimed.Add(adopted);
            }
        }

        return claimed;
    }

    private string AdoptPatch(IKubernetesObject<V1ObjectMeta> obj) => JsonSerializer.Serialize(new
    {
        metadata = new { ownerReferences = new[] { OwnerReferences.NewControllerRef(owner) }, uid = obj.Metadata.Uid },
    }, KubeJson.Options);

    private string ReleasePatch(IKubernetesObject<V1ObjectMeta> obj) =>
        $$$"""{"metadata":{"ownerReferences":[{"$patch":"delete","uid":{{{JsonSerializer.Serialize(owner.Metadata.Uid)}}}}],"uid":{{{JsonSerializer.Serialize(obj.Metadata.Uid)}}}}}""";

    private static async Task<T?> PatchIgnoringGoneAsync<T>(ResourceClient<T> client, T obj, string patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return await client.PatchAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name, ResourceClient<T>.StrategicMergePatch, patch, cancellationToken);
        }
        catch (KubeApiException e) when (e.StatusCode is 404 or 422 || KubeErrors.IsConflict(e))
        {
            // Gone, or replaced by a new object of the same name (the UID precondition failed): nothing to claim.
            return null;
        }
    }
}
