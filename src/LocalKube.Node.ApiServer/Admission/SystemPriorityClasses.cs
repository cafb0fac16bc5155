using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The API server's <c>scheduling/bootstrap-system-priority-classes</c> post-start hook: <c>system-node-critical</c>
/// (2000001000) and <c>system-cluster-critical</c> (2000000000) always exist.
/// </summary>
public static class SystemPriorityClasses
{
    /// <summary>Creates the system classes that are missing.</summary>
    public static async Task EnsureAsync(ResourceStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Resources.FindKind("scheduling.k8s.io", "PriorityClass") is not { } resource)
        {
            return;
        }

        foreach (var (name, value, description) in new[]
        {
            ("system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."),
            ("system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        })
        {
            if (await store.TryGetAsync(resource, null, name, cancellationToken) is not null)
            {
                continue;
            }

            try
            {
                await store.CreateAsync(resource, new V1PriorityClass { Metadata = new V1ObjectMeta { Name = name }, Value = value, Description = description }, dryRun: false, cancellationToken);
            }
            catch (StatusException e) when (e.Code == 409)
            {
                // Created meanwhile by another API server on the same store.
            }
        }
    }
}
