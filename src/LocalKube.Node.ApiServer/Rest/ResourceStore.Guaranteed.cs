using System.Globalization;
using k8s;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Rest;

public sealed partial class ResourceStore
{
    /// <summary>
    /// A storage-level read-modify-write (upstream's <c>GuaranteedUpdate</c> as the <c>pods/binding</c> and eviction
    /// handlers use it): no defaulting, validation, admission or managedFields, because the caller changes only
    /// fields it owns. <paramref name="mutate"/> changes the decoded current object in place and returns false to
    /// leave it as is; it may throw a <see cref="StatusException"/>. A lost race re-reads and runs it again.
    /// </summary>
    /// <returns>The object as stored afterwards (resourceVersion set).</returns>
    public async Task<IKubernetesObject<V1ObjectMeta>> GuaranteedUpdateAsync(
        RestResource resource, string? ns, string name, Func<IKubernetesObject<V1ObjectMeta>, DateTime, bool> mutate, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(mutate);
        while (true)
        {
            var current = await GetAsync(resource, ns, name, cancellationToken);
            var obj = current.Object;
            if (!mutate(obj, Now()) || dryRun)
            {
                return obj;
            }

            var revision = await CompareAndPutAsync(resource.Key(ns, name), current.ModRevision, Encode(resource, obj), cancellationToken);
            if (revision > 0)
            {
                obj.Metadata.ResourceVersion = revision.ToString(CultureInfo.InvariantCulture);
                return obj;
            }
        }
    }
}
