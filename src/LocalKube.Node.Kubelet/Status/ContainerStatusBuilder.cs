using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Status;

/// <summary>
/// containerStatuses and initContainerStatuses from the runtime (<c>k8s: kubelet_pods.go convertToAPIContainerStatuses</c>):
/// the newest instance gives state, the second-newest lastState; a container not created yet waits with
/// ContainerCreating or PodInitializing; the cached start failure (image pull, back-off, config) replaces a waiting or
/// terminated state of a container that will be restarted; a running container that vanished is reported
/// ContainerStatusUnknown.
/// </summary>
public static class ContainerStatusBuilder
{
    /// <summary>The message of a container that disappeared while running.</summary>
    public const string VanishedMessage = "The container could not be located when the pod was deleted.  The container used to be Running";

    /// <summary>Builds the statuses of <paramref name="containers"/> (app containers sorted by name, init containers in spec order).</summary>
    public static List<V1ContainerStatus> Build(
        V1Pod pod,
        PodRuntimeStatus runtime,
        IList<V1ContainerStatus>? previous,
        IList<V1Container> containers,
        bool isInit,
        string runtimeType,
        IReadOnlyDictionary<string, WaitingReason> waitingReasons)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(containers);
        var hasInit = pod.Spec?.InitContainers is { Count: > 0 };
        var defaultReason = hasInit ? "PodInitializing" : "ContainerCreating";
        var old = (previous ?? []).GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var statuses = new Dictionary<string, V1ContainerStatus>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var status = new V1ContainerStatus
            {
                Name = container.Name,
                Image = container.Image,
                ImageID = "",
                State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = defaultReason } },
                LastState = new V1ContainerState(),
            };
            if (old.TryGetValue(container.Name, out var o))
            {
                if (o.State?.Terminated is not null)
                {
                    status = Clone(o);
                }
                else
                {
                    status.RestartCount = o.RestartCount;
                    status.LastState = o.LastState ?? new V1ContainerState();
                }
            }

            statuses[container.Name] = status;
        }

        // A container that was running and is gone without a trace (removed behind the kubelet's back).
        foreach (var container in containers)
        {
            if (runtime.Find(container.Name) is not null || !old.TryGetValue(container.Name, out var o)
                || o.State?.Terminated is not null || o.State?.Running is null)
            {
                continue;
            }

            var status = statuses[container.Name];
            if (status.State?.Waiting?.Reason != defaultReason || status.LastState?.Terminated is not null)
            {
                continue;
            }

            status.LastState = new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated { Reason = "ContainerStatusUnknown", Message = VanishedMessage, ExitCode = 137 },
            };
            if (pod.Metadata?.DeletionTimestamp is null)
            {
                status.RestartCount++;
            }
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var instance in runtime.Containers)
        {
            var name = instance.Metadata.Name;
            if (!statuses.TryGetValue(name, out var current))
            {
                continue;
            }

            var count = seen.GetValueOrDefault(name);
            if (count >= 2)
            {
                continue;
            }

            old.TryGetValue(name, out var oldStatus);
            var converted = Convert(instance, oldStatus, runtimeType);
            if (count == 0)
            {
                statuses[name] = converted;
            }
            else
            {
                current.LastState = converted.State;
            }

            seen[name] = count + 1;
        }

        foreach (var container in containers)
        {
            if (isInit && runtime.Find(container.Name) is { State: ContainerState.Exited, ExitCode: 0 })
            {
                continue;
            }

            if (!PodSpecFacts.ShouldRestart(container, pod, runtime) || !waitingReasons.TryGetValue(container.Name, out var reason))
            {
                continue;
            }

            var status = statuses[container.Name];
            if (status.State?.Terminated is not null)
            {
                status.LastState = status.State;
            }

            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason.Reason, Message = reason.Message } };
        }

        if (isInit)
        {
            return containers.Select(c => statuses[c.Name]).ToList();
        }

        return statuses.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    private static V1ContainerStatus Convert(ContainerStatusInfo instance, V1ContainerStatus? old, string runtimeType)
    {
        var id = $"{runtimeType}://{instance.Id}";
        var status = new V1ContainerStatus
        {
            Name = instance.Metadata.Name,
            RestartCount = PodRuntimeStatus.RestartCountOf(instance),
            Image = instance.Image,
            ImageID = instance.ImageRef,
            ContainerID = id,
            LastState = new V1ContainerState(),
        };
        status.State = instance.State switch
        {
            ContainerState.Running => new V1ContainerState
            {
                Running = new V1ContainerStateRunning { StartedAt = Seconds(instance.StartedAt) },
            },
            ContainerState.Exited => new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    ExitCode = instance.ExitCode,
                    Reason = instance.Reason,
                    Message = string.IsNullOrEmpty(instance.Message) ? null : instance.Message,
                    StartedAt = Seconds(instance.StartedAt),
                    FinishedAt = Seconds(instance.FinishedAt),
                    ContainerID = id,
                },
            },
            ContainerState.Unknown when old?.State?.Running is not null => new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    Reason = "ContainerStatusUnknown",
                    Message = "The container could not be located when the pod was terminated",
                    ExitCode = 137,
                },
            },
            _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting() },
        };
        return status;
    }

    // The API keeps second precision (upstream normalizes RFC3339Nano to RFC3339).
    private static DateTime? Seconds(DateTimeOffset? time) =>
        time is { } t ? new DateTime(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc) : null;

    private static V1ContainerStatus Clone(V1ContainerStatus status) =>
        k8s.KubernetesJson.Deserialize<V1ContainerStatus>(k8s.KubernetesJson.Serialize(status));
}
