using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Cache;

/// <summary>The index functions every informer's cache has, by name.</summary>
public static class Indexers
{
    /// <summary>Objects by <c>metadata.namespace</c>.</summary>
    public const string Namespace = "namespace";

    /// <summary>Objects by the UID of each of their owner references.</summary>
    public const string OwnerUid = "owner-uid";

    /// <summary>Pods by <c>spec.nodeName</c> (other kinds are not indexed).</summary>
    public const string NodeName = "node-name";

    /// <summary>The namespace index function.</summary>
    public static IEnumerable<string> ByNamespace(IKubernetesObject<V1ObjectMeta> obj) =>
        obj?.Metadata?.NamespaceProperty is { Length: > 0 } ns ? [ns] : [];

    /// <summary>The owner-UID index function.</summary>
    public static IEnumerable<string> ByOwnerUid(IKubernetesObject<V1ObjectMeta> obj) =>
        obj?.Metadata?.OwnerReferences?.Select(r => r.Uid).Where(u => !string.IsNullOrEmpty(u)) ?? [];

    /// <summary>The node-name index function (pods only).</summary>
    public static IEnumerable<string> ByNodeName(IKubernetesObject<V1ObjectMeta> obj) =>
        obj is V1Pod { Spec.NodeName: { Length: > 0 } node } ? [node] : [];
}
