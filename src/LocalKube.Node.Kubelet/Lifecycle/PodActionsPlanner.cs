using k8s.Models;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;

namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>
/// Decides what a sync does (<c>k8s: kuberuntime_manager.go computePodActions, computeInitContainerActions</c>, 1.31
/// with sidecars): a new sandbox restarts the pod from its first init container; init containers run one at a time;
/// sidecars start in order and keep running; app containers restart by policy; liveness or startup failures and
/// changed specs kill a running container; a pod with nothing left to run is killed.
/// </summary>
public static class PodActionsPlanner
{
    /// <summary>Computes the actions for <paramref name="pod"/> given what the runtime holds.</summary>
    public static PodActions Compute(V1Pod pod, PodRuntimeStatus runtime, IProbeVerdicts probes)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(probes);
        var spec = pod.Spec ?? new V1PodSpec();
        var containers = spec.Containers ?? [];
        var initContainers = spec.InitContainers ?? [];
        var restartOnFailure = PodSpecFacts.RestartPolicy(pod) != "Never";
        var (createSandbox, attempt, sandboxId) = SandboxChanged(pod, runtime);
        var actions = new PodActions { KillPod = createSandbox, CreateSandbox = createSandbox, SandboxId = sandboxId, Attempt = attempt };
        if (createSandbox)
        {
            if (!restartOnFailure && attempt != 0 && runtime.Containers.Count != 0)
            {
                // Everything ran and must not run again: kill what is left, make no new sandbox.
                actions.CreateSandbox = false;
                return actions;
            }

            var toStart = new List<int>();
            for (var i = 0; i < containers.Count; i++)
            {
                if (PodSpecFacts.RestartPolicy(pod) == "OnFailure" && Succeeded(containers[i], runtime))
                {
                    continue;
                }

                toStart.Add(i);
            }

            if (toStart.Count == 0 && containers.Any(c => runtime.Find(c.Name) is not null))
            {
                actions.CreateSandbox = false;
                return actions;
            }

            if (initContainers.Count > 0)
            {
                actions.InitContainersToStart.Add(0);
                return actions;
            }

            actions.ContainersToStart.AddRange(toStart);
            return actions;
        }

        // Ephemeral containers (kubectl debug) start even while initialization is not complete, once each.
        var ephemeral = spec.EphemeralContainers ?? [];
        for (var i = 0; i < ephemeral.Count; i++)
        {
            if (runtime.Find(ephemeral[i].Name) is null)
            {
                actions.EphemeralContainersToStart.Add(i);
            }
        }

        var initialized = ComputeInitActions(pod, runtime, probes, actions);
        if (actions.KillPod || !initialized)
        {
            return actions;
        }

        var keep = 0;
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            var status = runtime.Find(container.Name);
            if (status is null || status.State != ContainerState.Running)
            {
                if (PodSpecFacts.ShouldRestart(container, pod, runtime))
                {
                    actions.ContainersToStart.Add(i);
                    if (status is { State: ContainerState.Unknown })
                    {
                        actions.ContainersToKill.Add(new ContainerToKill(status.Id, container,
                            "Container is in \"Unknown\" state, try killing it before restart", "unknown", false));
                    }
                }

                continue;
            }

            var restart = restartOnFailure;
            string message;
            string reason;
            if (Changed(container, status))
            {
                message = $"Container {container.Name} definition changed";
                reason = "changed";
                restart = true;
            }
            else if (probes.Liveness(status.Id) == false)
            {
                message = $"Container {container.Name} failed liveness probe";
                reason = "liveness";
            }
            else if (probes.Startup(status.Id) == false)
            {
                message = $"Container {container.Name} failed startup probe";
                reason = "startup";
            }
            else
            {
                keep++;
                continue;
            }

            if (restart)
            {
                message += ", will be restarted";
                actions.ContainersToStart.Add(i);
            }

            actions.ContainersToKill.Add(new ContainerToKill(status.Id, container, message, reason, reason is "liveness" or "startup"));
        }

        if (keep == 0 && actions.ContainersToStart.Count == 0)
        {
            actions.KillPod = true;

            // Sidecars must not keep a finished pod alive.
            actions.InitContainersToStart.Clear();
        }

        return actions;
    }

    /// <summary>Upstream's PodSandboxChanged: (create a new one?, its attempt, the current sandbox).</summary>
    public static (bool Create, int Attempt, string SandboxId) SandboxChanged(V1Pod pod, PodRuntimeStatus runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (runtime.Sandboxes.Count == 0)
        {
            return (true, 0, "");
        }

        var newest = runtime.Sandboxes[0];
        return PodStatusGenerator.SandboxReady(pod, runtime)
            ? (false, newest.Metadata.Attempt, newest.Id)
            : (true, newest.Metadata.Attempt + 1, newest.Id);
    }

    /// <summary>Whether a running container's spec hash differs from its pod's current spec.</summary>
    public static bool Changed(V1Container container, ContainerStatusInfo status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Annotations.TryGetValue(KubernetesLabels.ContainerHash, out var hash) && hash != ContainerHash.Of(container);
    }

    private static bool ComputeInitActions(V1Pod pod, PodRuntimeStatus runtime, IProbeVerdicts probes, PodActions actions)
    {
        var spec = pod.Spec!;
        var initContainers = spec.InitContainers ?? [];
        if (initContainers.Count == 0)
        {
            return true;
        }

        var podHasInitialized = (spec.Containers ?? []).Any(c => runtime.Find(c.Name) is { State: ContainerState.Created or ContainerState.Running });
        var previouslyInitialized = podHasInitialized;
        var restartOnFailure = PodSpecFacts.RestartPolicy(pod) != "Never";
        var toStart = new List<int>();
        for (var i = initContainers.Count - 1; i >= 0; i--)
        {
            var container = initContainers[i];
            var sidecar = PodSpecFacts.IsSidecar(container);
            var status = runtime.Find(container.Name);
            if (status is null)
            {
                if (previouslyInitialized && sidecar)
                {
                    toStart.Add(i);
                }

                continue;
            }

            if (previouslyInitialized && !sidecar)
            {
                continue;
            }

            switch (status.State)
            {
                case ContainerState.Created:
                    // A container left created (its start failed): start it again.
                    toStart.Add(i);
                    break;
                case ContainerState.Running when sidecar:
                    if (container.StartupProbe is not null)
                    {
                        var startup = probes.Startup(status.Id);
                        if (startup is null)
                        {
                            break;
                        }

                        if (startup == false)
                        {
                            actions.ContainersToKill.Add(new ContainerToKill(status.Id, container,
                                $"Init container {container.Name} failed startup probe", "startup", true));
                            toStart.Add(i);
                            break;
                        }
                    }

                    if (i == initContainers.Count - 1)
                    {
                        podHasInitialized = true;
                    }
                    else if (!previouslyInitialized)
                    {
                        toStart.Add(i + 1);
                    }

                    if (Changed(container, status))
                    {
                        actions.ContainersToKill.Add(new ContainerToKill(status.Id, container,
                            $"Init container {container.Name} definition changed", "changed", false));
                        toStart.Add(i);
                        break;
                    }

                    if (container.LivenessProbe is not null && probes.Liveness(status.Id) == false)
                    {
                        actions.ContainersToKill.Add(new ContainerToKill(status.Id, container,
                            $"Init container {container.Name} failed liveness probe", "liveness", true));
                        toStart.Add(i);
                    }

                    break;
                case ContainerState.Running:
                    // A regular init container: wait for it to finish.
                    break;
                case ContainerState.Exited when sidecar:
                    toStart.Add(i);
                    break;
                case ContainerState.Exited:
                    if (status.ExitCode != 0)
                    {
                        if (!restartOnFailure)
                        {
                            actions.KillPod = true;
                            actions.InitContainersToStart.Clear();
                            return false;
                        }

                        toStart.Add(i);
                        break;
                    }

                    if (i == initContainers.Count - 1)
                    {
                        podHasInitialized = true;
                    }
                    else
                    {
                        toStart.Add(i + 1);
                    }

                    break;
                default:
                    if (!sidecar && !restartOnFailure)
                    {
                        actions.KillPod = true;
                        actions.InitContainersToStart.Clear();
                        return false;
                    }

                    actions.ContainersToKill.Add(new ContainerToKill(status.Id, container,
                        $"Init container is in \"{status.State}\" state, try killing it before restart", "unknown", false));
                    toStart.Add(i);
                    break;
            }

            previouslyInitialized = true;
        }

        if (!previouslyInitialized)
        {
            toStart.Add(0);
        }

        toStart.Reverse();
        actions.InitContainersToStart.AddRange(toStart.Distinct());
        return podHasInitialized;
    }

    private static bool Succeeded(V1Container container, PodRuntimeStatus runtime) =>
        runtime.Find(container.Name) is { } status && status.State != ContainerState.Running && status.ExitCode == 0 && status.State == ContainerState.Exited;
}
