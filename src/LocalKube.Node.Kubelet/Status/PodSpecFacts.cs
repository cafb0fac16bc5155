using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>Small facts about pod specs the status and sync code share (upstream's kubetypes and kubecontainer helpers).</summary>
public static class PodSpecFacts
{
    /// <summary>An ephemeral container as a container (the same fields; upstream converts the same way).</summary>
    public static V1Container AsContainer(V1EphemeralContainer c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new V1Container
        {
            Name = c.Name, Image = c.Image, Command = c.Command, Args = c.Args, WorkingDir = c.WorkingDir, Env = c.Env, EnvFrom = c.EnvFrom,
            VolumeMounts = c.VolumeMounts, VolumeDevices = c.VolumeDevices, ImagePullPolicy = c.ImagePullPolicy, SecurityContext = c.SecurityContext,
            Stdin = c.Stdin, StdinOnce = c.StdinOnce, Tty = c.Tty, TerminationMessagePath = c.TerminationMessagePath,
            TerminationMessagePolicy = c.TerminationMessagePolicy, Resources = c.Resources, RestartPolicy = c.RestartPolicy,
        };
    }

    /// <summary>A sidecar: an init container with <c>restartPolicy: Always</c>.</summary>
    public static bool IsSidecar(V1Container container) => container?.RestartPolicy == "Always";

    /// <summary>A static pod (from a manifest file).</summary>
    public static bool IsStatic(V1Pod pod) =>
        pod?.Metadata?.Annotations?.TryGetValue(KubernetesLabels.ConfigSource, out var source) == true && source is "file" or "http";

    /// <summary>The pod's restart policy (default Always).</summary>
    public static string RestartPolicy(V1Pod pod) => string.IsNullOrEmpty(pod?.Spec?.RestartPolicy) ? "Always" : pod.Spec.RestartPolicy;

    /// <summary>Whether any regular container has ever run (upstream's HasAnyRegularContainerStarted).</summary>
    public static bool AnyRegularContainerStarted(V1PodSpec spec, IEnumerable<V1ContainerStatus> statuses)
    {
        var names = (spec?.Containers ?? []).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return statuses.Any(s => names.Contains(s.Name)
            && (s.State?.Running is not null || s.State?.Terminated is not null || s.LastState?.Terminated is not null));
    }

    /// <summary>
    /// Whether the kubelet would (re)start <paramref name="container"/> on its next sync (upstream's
    /// ShouldContainerBeRestarted): never for a deleted pod, always when never started or unknown, else by policy.
    /// </summary>
    public static bool ShouldRestart(V1Container container, V1Pod pod, PodRuntimeStatus runtime)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(runtime);
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            return false;
        }

        var status = runtime.Find(container.Name);
        if (status is null)
        {
            return true;
        }

        switch (status.State)
        {
            case ContainerState.Running:
                return false;
            case ContainerState.Unknown or ContainerState.Created:
                return true;
        }

        if (IsSidecar(container))
        {
            return true;
        }

        return RestartPolicy(pod) switch
        {
            "Never" => false,
            "OnFailure" => status.ExitCode != 0,
            _ => true,
        };
    }
}
