using k8s.Models;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>A pod's phase from its container statuses (<c>k8s: kubelet_pods.go getPhase</c>, 1.31).</summary>
public static class PodPhaseCalculator
{
    /// <summary>Pending, Running, Succeeded or Failed.</summary>
    /// <param name="pod">The pod (spec, static-ness).</param>
    /// <param name="statuses">Init and app container statuses together.</param>
    /// <param name="podIsTerminal">The pod is in its final termination: containers will not restart.</param>
    public static string Compute(V1Pod pod, IReadOnlyList<V1ContainerStatus> statuses, bool podIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(statuses);
        var spec = pod.Spec ?? new V1PodSpec();
        V1ContainerStatus? Find(string name) => statuses.FirstOrDefault(s => s.Name == name);
        int pendingInitialization = 0, failedInitialization = 0;
        foreach (var container in (spec.InitContainers ?? []).Where(c => !PodSpecFacts.IsSidecar(c)))
        {
            var status = Find(container.Name);
            if (status?.State is not { } state)
            {
                pendingInitialization++;
            }
            else if (state.Running is not null)
            {
                pendingInitialization++;
            }
            else if (state.Terminated is not null)
            {
                failedInitialization += state.Terminated.ExitCode != 0 ? 1 : 0;
            }
            else if (state.Waiting is not null)
            {
                if (status.LastState?.Terminated is { } last)
                {
                    failedInitialization += last.ExitCode != 0 ? 1 : 0;
                }
                else
                {
                    pendingInitialization++;
                }
            }
            else
            {
                pendingInitialization++;
            }
        }

        int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var container in (spec.InitContainers ?? []).Where(PodSpecFacts.IsSidecar))
        {
            var status = Find(container.Name);
            if (status is null)
            {
                unknown++;
            }
            else if (status.State?.Running is not null)
            {
                if (status.Started != true)
                {
                    pendingInitialization++;
                }

                running++;
            }
            else if (status.State?.Terminated is not null)
            {
                // Terminated sidecars do not count for the phase.
            }
            else if (status.State?.Waiting is not null)
            {
                if (status.LastState?.Terminated is null)
                {
                    pendingInitialization++;
                    waiting++;
                }
            }
            else
            {
                pendingInitialization++;
                unknown++;
            }
        }

        foreach (var container in spec.Containers ?? [])
        {
            var status = Find(container.Name);
            if (status is null)
            {
                unknown++;
            }
            else if (status.State?.Running is not null)
            {
                running++;
            }
            else if (status.State?.Terminated is { } terminated)
            {
                stopped++;
                succeeded += terminated.ExitCode == 0 ? 1 : 0;
            }
            else if (status.State?.Waiting is not null)
            {
                if (status.LastState?.Terminated is not null)
                {
                    stopped++;
                }
                else
                {
                    waiting++;
                }
            }
            else
            {
                unknown++;
            }
        }

        var policy = PodSpecFacts.RestartPolicy(pod);
        if (failedInitialization > 0 && policy == "Never")
        {
            return "Failed";
        }

        if ((pendingInitialization > 0 && !PodSpecFacts.AnyRegularContainerStarted(spec, statuses)) || waiting > 0)
        {
            return "Pending";
        }

        if (running > 0 && unknown == 0)
        {
            return "Running";
        }

        if (running == 0 && stopped > 0 && unknown == 0)
        {
            // Static pods skip the forced terminal phase (upstream TODO #116484).
            if (podIsTerminal && !PodSpecFacts.IsStatic(pod))
            {
                return stopped == succeeded ? "Succeeded" : "Failed";
            }

            if (policy == "Always")
            {
                return "Running";
            }

            if (stopped == succeeded)
            {
                return "Succeeded";
            }

            return policy == "Never" ? "Failed" : "Running";
        }

        return "Pending";
    }
}
