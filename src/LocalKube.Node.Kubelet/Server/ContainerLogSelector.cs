using k8s.Models;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// Which container attempt <c>kubectl logs</c> reads, as upstream's <c>validateContainerLogStatus</c>: with
/// <c>previous</c> the last terminated one, else the running one, else the terminated one; a waiting container has
/// no logs yet and the error says why (the API server returns these texts as 400s).
/// </summary>
internal static class ContainerLogSelector
{
    /// <summary>The runtime container ID to read, or null with <paramref name="error"/> set.</summary>
    public static string? Select(V1PodStatus status, string podName, string container, bool previous, out string? error)
    {
        ArgumentNullException.ThrowIfNull(status);
        error = null;
        var found = (status.ContainerStatuses ?? []).Concat(status.InitContainerStatuses ?? []).Concat(status.EphemeralContainerStatuses ?? [])
            .FirstOrDefault(s => s.Name == container);
        if (found is null)
        {
            error = $"container \"{container}\" in pod \"{podName}\" is not available";
            return null;
        }

        var state = found.State ?? new V1ContainerState();
        var last = found.LastState ?? new V1ContainerState();
        string? id;
        if (previous)
        {
            id = last.Terminated?.ContainerID;
            if (string.IsNullOrEmpty(id))
            {
                error = $"previous terminated container \"{container}\" in pod \"{podName}\" not found";
            }
        }
        else if (state.Running is not null)
        {
            id = found.ContainerID;
        }
        else if (state.Terminated is { } terminated)
        {
            id = !string.IsNullOrEmpty(terminated.ContainerID) ? terminated.ContainerID : last.Terminated?.ContainerID;
            if (string.IsNullOrEmpty(id))
            {
                error = $"container \"{container}\" in pod \"{podName}\" is terminated";
            }
        }
        else if (last.Terminated is { } lastTerminated)
        {
            id = lastTerminated.ContainerID;
            if (string.IsNullOrEmpty(id))
            {
                error = $"container \"{container}\" in pod \"{podName}\" is terminated";
            }
        }
        else if (state.Waiting is { } waiting)
        {
            id = null;
            error = waiting.Reason switch
            {
                "ErrImagePull" => $"container \"{container}\" in pod \"{podName}\" is waiting to start: image can't be pulled",
                "ImagePullBackOff" => $"container \"{container}\" in pod \"{podName}\" is waiting to start: trying and failing to pull image",
                var reason => $"container \"{container}\" in pod \"{podName}\" is waiting to start: {reason}",
            };
        }
        else
        {
            id = null;
            error = $"container \"{container}\" in pod \"{podName}\" is waiting to start - no logs yet";
        }

        return error is null && !string.IsNullOrEmpty(id) ? KubeletPodLookup.RuntimeId(id) : null;
    }
}
