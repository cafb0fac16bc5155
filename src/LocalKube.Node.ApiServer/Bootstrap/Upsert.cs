using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>Create-or-refresh for the objects the agent keeps itself (its Node, Lease, the kubernetes EndpointSlice).</summary>
internal static class Upsert
{
    /// <summary>Creates <paramref name="fresh"/>, or applies <paramref name="refresh"/> to the stored one.</summary>
    public static async Task<IKubernetesObject<V1ObjectMeta>> CreateOrUpdateAsync(
        ResourceStore store, RestResource resource, string? ns, IKubernetesObject<V1ObjectMeta> fresh,
        Func<StoredObject, IKubernetesObject<V1ObjectMeta>> refresh, UpdateScope scope, CancellationToken cancellationToken)
    {
        if (await store.TryGetAsync(resource, ns, fresh.Metadata.Name, cancellationToken) is null)
        {
            try
            {
                return await store.CreateAsync(resource, fresh, dryRun: false, cancellationToken);
            }
            catch (StatusException e) when (e.Code == 409)
            {
                // Created meanwhile by another start on the same etcd: refresh it below.
            }
        }

        return await store.UpdateAsync(resource, ns, fresh.Metadata.Name, refresh, scope, dryRun: false, cancellationToken);
    }
}
