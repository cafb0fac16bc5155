using k8s;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// A container spec's hash (<c>k8s: kubecontainer.HashContainer</c>, FNV-1a over its JSON): stored on the container
/// and compared on every sync, so a changed spec restarts it ("Container web definition changed").
/// </summary>
public static class ContainerHash
{
    /// <summary>The hash as lower-case hex.</summary>
    public static string Of(V1Container container)
    {
        ArgumentNullException.ThrowIfNull(container);

        // Resources are left out, as upstream does for in-place resizes.
        var copy = KubernetesJson.Deserialize<V1Container>(KubernetesJson.Serialize(container));
        copy.Resources = null;
        var bytes = System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(copy));
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
