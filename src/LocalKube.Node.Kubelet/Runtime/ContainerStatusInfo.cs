namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>A container's full status (the CRI's ContainerStatus), as cri-dockerd derives it from <c>docker inspect</c>.</summary>
public sealed record ContainerStatusInfo
{
    /// <summary>The runtime's ID (without the <c>docker://</c> scheme).</summary>
    public required string Id { get; init; }

    /// <summary>Its name in the pod and attempt.</summary>
    public required ContainerMetadata Metadata { get; init; }

    /// <summary>Its state.</summary>
    public required ContainerState State { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Start time; null if it never started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Exit time; null unless exited.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Exit code (0 unless exited).</summary>
    public int ExitCode { get; init; }

    /// <summary><c>OOMKilled</c>, <c>Completed</c>, <c>Error</c> or <c>ContainerCannotRun</c> once exited; empty otherwise.</summary>
    public string Reason { get; init; } = "";

    /// <summary>The engine's error text (e.g. why it could not run).</summary>
    public string Message { get; init; } = "";

    /// <summary><c>status.image</c>: the image's first tag, else the reference it was created from.</summary>
    public string Image { get; init; } = "";

    /// <summary>
    /// <c>status.imageID</c>: <c>docker-pullable://repo@sha256:…</c> for a pulled image, <c>docker://sha256:…</c> for a
    /// loaded or built one (node-reference §1.4).
    /// </summary>
    public string ImageRef { get; init; } = "";

    /// <summary>Identity labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The kubelet's annotations.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The container's mounts, as created.</summary>
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    /// <summary>The engine's log file for this container (empty when it keeps none).</summary>
    public string LogPath { get; init; } = "";
}
