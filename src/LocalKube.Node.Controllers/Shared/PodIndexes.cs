using k8s.Models;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Pod cache indexes the workload controllers share.</summary>
public static class PodIndexes
{
    /// <summary>Pods without a controller reference, by namespace (candidates for adoption).</summary>
    public const string Orphans = "workloads-orphans";

    /// <summary>Adds the orphan index to the shared pod informer (idempotent).</summary>
    public static void AddOrphanIndex(ISharedInformer<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        pods.AddIndexer(Orphans, p => ControllerRefs.Of(p.Metadata) is null ? [p.Metadata.NamespaceProperty ?? ""] : []);
    }
}
