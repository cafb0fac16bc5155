using System.Globalization;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// cri-dockerd's container names: <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;ns&gt;_&lt;uid&gt;_&lt;attempt&gt;</c>, <c>POD</c> for the
/// sandbox (<c>crid: core/naming.go</c>). Docker reports names with a leading <c>/</c>, and a name clash may have
/// added a <c>_&lt;8 hex&gt;</c> suffix, so the parser accepts 6 or 7 fields.
/// </summary>
public static class DockerNames
{
    /// <summary>The prefix of every kubelet-made container name.</summary>
    public const string Prefix = "k8s";

    /// <summary>The sandbox's name.</summary>
    public static string Sandbox(PodSandboxMetadata pod) =>
        Make(KubernetesLabels.SandboxContainerName, pod.Name, pod.Namespace, pod.Uid, pod.Attempt);

    /// <summary>A container's name.</summary>
    public static string Container(ContainerMetadata container, PodSandboxMetadata pod) =>
        Make(container.Name, pod.Name, pod.Namespace, pod.Uid, container.Attempt);

    /// <summary>Parses a name (with or without the leading <c>/</c>); false when it is not a kubelet name.</summary>
    public static bool TryParse(string name, out ParsedName parsed)
    {
        parsed = default;
        var parts = name.TrimStart('/').Split('_');
        if (parts.Length is not (6 or 7) || parts[0] != Prefix
            || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return false;
        }

        parsed = new ParsedName(parts[1], parts[2], parts[3], parts[4], attempt);
        return true;
    }

    private static string Make(string container, string pod, string ns, string uid, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}_{container}_{pod}_{ns}_{uid}_{attempt}");

    /// <summary>The fields of a kubelet container name.</summary>
    public readonly record struct ParsedName(string Container, string Pod, string Namespace, string Uid, int Attempt);
}
