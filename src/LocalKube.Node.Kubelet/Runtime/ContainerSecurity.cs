namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container's security settings (the effective securityContext, pod and container merged).</summary>
public sealed record ContainerSecurity
{
    /// <summary>Numeric user; null keeps the image's USER.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>Numeric group; null keeps the image's.</summary>
    public long? RunAsGroup { get; init; }

    /// <summary>Extra groups (fsGroup, supplementalGroups).</summary>
    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    /// <summary>Full privileges.</summary>
    public bool Privileged { get; init; }

    /// <summary>Read-only root filesystem.</summary>
    public bool ReadOnlyRootFilesystem { get; init; }

    /// <summary>Capabilities to add, without the <c>CAP_</c> prefix.</summary>
    public IReadOnlyList<string> AddCapabilities { get; init; } = [];

    /// <summary>Capabilities to drop, without the <c>CAP_</c> prefix.</summary>
    public IReadOnlyList<string> DropCapabilities { get; init; } = [];

    /// <summary>no-new-privileges (allowPrivilegeEscalation: false).</summary>
    public bool NoNewPrivileges { get; init; }
}
