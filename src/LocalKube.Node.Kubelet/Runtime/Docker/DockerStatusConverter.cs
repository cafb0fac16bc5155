using System.Globalization;
using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>cri-dockerd's reading of <c>docker inspect</c> and <c>docker ps</c> (<c>crid: core/container_status.go, convert.go</c>).</summary>
internal static class DockerStatusConverter
{
    /// <summary>A container's full status.</summary>
    public static ContainerStatusInfo Container(ContainerInspectResponse inspect, ImageInspectResponse? image)
    {
        var labels = inspect.Config?.Labels ?? new Dictionary<string, string>();
        var (kubeLabels, annotations) = Split(labels);
        DockerNames.TryParse(inspect.Name ?? "", out var name);
        var metadata = new ContainerMetadata(
            labels.Get(KubernetesLabels.ContainerName) ?? name.Container ?? "",
            name.Attempt);

        var state = inspect.State ?? new global::Docker.DotNet.Models.ContainerState();
        var created = new DateTimeOffset(DateTime.SpecifyKind(inspect.Created, DateTimeKind.Utc));
        var started = ParseTime(state.StartedAt);
        var finished = ParseTime(state.FinishedAt);
        var exitCode = (int)state.ExitCode;
        ContainerState result;
        var reason = "";
        if (state.Running)
        {
            result = ContainerState.Running;
        }
        else if (state.Status == "created")
        {
            result = ContainerState.Created;
            started = null;
        }
        else if (state.Status is "exited" or "dead")
        {
            result = ContainerState.Exited;
            if (finished is null && exitCode != 0)
            {
                // It never ran (e.g. the executable is missing): both times are the creation time.
                reason = "ContainerCannotRun";
                started = created;
                finished = created;
            }
            else
            {
                reason = state.OOMKilled ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
            }
        }
        else
        {
            result = ContainerState.Unknown;
        }

        return new ContainerStatusInfo
        {
            Id = inspect.ID,
            Metadata = metadata,
            State = result,
            CreatedAt = created,
            StartedAt = started,
            FinishedAt = result == ContainerState.Exited ? finished ?? created : null,
            ExitCode = result == ContainerState.Exited ? exitCode : 0,
            Reason = reason,
            Message = state.Error ?? "",
            Image = image?.RepoTags?.FirstOrDefault() ?? inspect.Config?.Image ?? "",
            ImageRef = ImageId(image, inspect.Image),
            Labels = kubeLabels,
            Annotations = annotations,
            Mounts = (inspect.Mounts ?? []).Select(m => new MountSpec(m.Source, m.Destination, !m.RW, string.IsNullOrEmpty(m.Propagation) ? "private" : m.Propagation)).ToList(),
            LogPath = inspect.LogPath ?? "",
        };
    }

    /// <summary>A sandbox's status from its inspect.</summary>
    public static PodSandboxStatus Sandbox(ContainerInspectResponse inspect, string podNetwork)
    {
        var labels = inspect.Config?.Labels ?? new Dictionary<string, string>();
        var hostNetwork = inspect.HostConfig?.NetworkMode == "host";
        var ip = "";
        if (!hostNetwork && inspect.State?.Running == true && inspect.NetworkSettings?.Networks is { } networks)
        {
            ip = networks.TryGetValue(podNetwork, out var endpoint) ? endpoint.IPAddress ?? ""
                : networks.Values.FirstOrDefault()?.IPAddress ?? "";
        }

        return SandboxStatus(inspect.ID, inspect.Name ?? "", labels, inspect.State?.Running == true,
            new DateTimeOffset(DateTime.SpecifyKind(inspect.Created, DateTimeKind.Utc)), ip, hostNetwork);
    }

    /// <summary>A sandbox's status from a list entry (no inspect needed).</summary>
    public static PodSandboxStatus Sandbox(ContainerListResponse entry, string podNetwork)
    {
        var labels = entry.Labels ?? new Dictionary<string, string>();
        var networks = entry.NetworkSettings?.Networks;
        var hostNetwork = networks?.ContainsKey("host") == true;
        var running = entry.State == "running";
        var ip = "";
        if (running && !hostNetwork && networks is not null)
        {
            ip = networks.TryGetValue(podNetwork, out var endpoint) ? endpoint.IPAddress ?? ""
                : networks.Values.FirstOrDefault()?.IPAddress ?? "";
        }

        return SandboxStatus(entry.ID, entry.Names?.FirstOrDefault() ?? "", labels, running,
            new DateTimeOffset(DateTime.SpecifyKind(entry.Created, DateTimeKind.Utc)), ip, hostNetwork);
    }

    /// <summary>A container from a list entry.</summary>
    public static ContainerInfo Container(ContainerListResponse entry)
    {
        var labels = entry.Labels ?? new Dictionary<string, string>();
        var (kubeLabels, annotations) = Split(labels);
        DockerNames.TryParse(entry.Names?.FirstOrDefault() ?? "", out var name);
        var state = entry.State switch
        {
            "running" => ContainerState.Running,
            "created" => ContainerState.Created,
            "exited" or "dead" => ContainerState.Exited,
            _ => ContainerState.Unknown,
        };
        return new ContainerInfo(
            entry.ID,
            labels.Get(DockerLabelKeys.SandboxId) ?? "",
            new ContainerMetadata(labels.Get(KubernetesLabels.ContainerName) ?? name.Container ?? "", name.Attempt),
            labels.Get(KubernetesLabels.PodUid) ?? "",
            labels.Get(KubernetesLabels.PodName) ?? "",
            labels.Get(KubernetesLabels.PodNamespace) ?? "",
            entry.Image ?? "",
            state,
            new DateTimeOffset(DateTime.SpecifyKind(entry.Created, DateTimeKind.Utc)),
            kubeLabels,
            annotations);
    }

    /// <summary>An image.</summary>
    public static ImageInfo Image(ImageInspectResponse image) =>
        new(image.ID, (image.RepoTags ?? []).ToList(), (image.RepoDigests ?? []).ToList(), image.Size, image.Config?.User ?? "");

    /// <summary>An image from a list entry (its USER is not listed).</summary>
    public static ImageInfo Image(ImagesListResponse image) =>
        new(image.ID, (image.RepoTags ?? []).Where(t => t != "<none>:<none>").ToList(),
            (image.RepoDigests ?? []).Where(d => d != "<none>@<none>").ToList(), image.Size, "");

    /// <summary><c>docker-pullable://repo@digest</c> when the image has a digest, else <c>docker://sha256:…</c>.</summary>
    public static string ImageId(ImageInspectResponse? image, string imageId) =>
        image?.RepoDigests?.FirstOrDefault() is { Length: > 0 } digest
            ? "docker-pullable://" + digest
            : "docker://" + (image?.ID ?? imageId);

    /// <summary>Docker's RFC 3339 time, or null for its zero time.</summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.StartsWith("0001-01-01", StringComparison.Ordinal))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
    }

    private static PodSandboxStatus SandboxStatus(
        string id, string dockerName, IDictionary<string, string> labels, bool running, DateTimeOffset created, string ip, bool hostNetwork)
    {
        DockerNames.TryParse(dockerName, out var name);
        var (kubeLabels, annotations) = Split(labels);
        var metadata = new PodSandboxMetadata(
            labels.Get(KubernetesLabels.PodName) ?? name.Pod ?? "",
            labels.Get(KubernetesLabels.PodNamespace) ?? name.Namespace ?? "",
            labels.Get(KubernetesLabels.PodUid) ?? name.Uid ?? "",
            name.Attempt);
        return new PodSandboxStatus(id, metadata, running ? PodSandboxState.Ready : PodSandboxState.NotReady, created, ip,
            kubeLabels, annotations, hostNetwork);
    }

    // Labels prefixed "annotation." are the kubelet's annotations; Docker's own keys are left out of both.
    private static (Dictionary<string, string> Labels, Dictionary<string, string> Annotations) Split(IDictionary<string, string> labels)
    {
        var plain = new Dictionary<string, string>(StringComparer.Ordinal);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            if (key.StartsWith(DockerLabelKeys.AnnotationPrefix, StringComparison.Ordinal))
            {
                annotations[key[DockerLabelKeys.AnnotationPrefix.Length..]] = value;
            }
            else if (key is not (DockerLabelKeys.Type or DockerLabelKeys.SandboxId or DockerLabelKeys.LogPath))
            {
                plain[key] = value;
            }
        }

        return (plain, annotations);
    }
}
