using System.Collections.Concurrent;
using System.Text;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Status;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// Reads one pod's state from the runtime (upstream's <c>GetPodStatus</c>): its sandboxes and containers with full
/// statuses, and the termination message of exited containers (the file the container wrote, or its log tail with
/// FallbackToLogsOnError), read once per exited instance.
/// </summary>
internal sealed class PodRuntimeReader(IContainerRuntime runtime)
{
    private readonly ConcurrentDictionary<string, ContainerStatusInfo> _exited = new(StringComparer.Ordinal);

    /// <summary>The pod's runtime status.</summary>
    public async Task<PodRuntimeStatus> ReadAsync(string podUid, CancellationToken cancellationToken)
    {
        var sandboxes = await runtime.ListPodSandboxesAsync(podUid, cancellationToken).ConfigureAwait(false);
        var containers = await runtime.ListContainersAsync(podUid, cancellationToken).ConfigureAwait(false);
        var statuses = new List<ContainerStatusInfo>(containers.Count);
        foreach (var container in containers)
        {
            if (_exited.TryGetValue(container.Id, out var known))
            {
                statuses.Add(known);
                continue;
            }

            ContainerStatusInfo status;
            try
            {
                status = await runtime.GetContainerStatusAsync(container.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (RuntimeObjectNotFoundException)
            {
                // Removed between the list and the inspect.
                continue;
            }

            if (status.State == ContainerState.Exited)
            {
                status = await WithTerminationMessageAsync(status, cancellationToken).ConfigureAwait(false);
                _exited[container.Id] = status;
            }

            statuses.Add(status);
        }

        return new PodRuntimeStatus(podUid, sandboxes, statuses);
    }

    /// <summary>Forgets a removed container.</summary>
    public void Forget(string containerId) => _exited.TryRemove(containerId, out _);

    private async Task<ContainerStatusInfo> WithTerminationMessageAsync(ContainerStatusInfo status, CancellationToken cancellationToken)
    {
        var hostPath = status.Annotations.GetValueOrDefault(KubernetesLabels.TerminationMessageHostPath) ?? "";
        var message = TerminationMessage.ReadFile(hostPath);
        var policy = status.Annotations.GetValueOrDefault(KubernetesLabels.TerminationMessagePolicy);
        if (TerminationMessage.UseLogs(policy, status.ExitCode, message))
        {
            message = await LogTailAsync(status.Id, cancellationToken).ConfigureAwait(false);
        }

        if (message.Length == 0)
        {
            return status;
        }

        // The engine's own error comes first, as cri-dockerd joins them.
        return status with { Message = string.IsNullOrEmpty(status.Message) ? message : status.Message + "\n" + message };
    }

    private async Task<string> LogTailAsync(string containerId, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        try
        {
            await foreach (var record in runtime.ReadLogsAsync(containerId, new LogOptions(TailLines: TerminationMessage.FallbackLines), cancellationToken)
                .ConfigureAwait(false))
            {
                text.Append(Encoding.UTF8.GetString(record.Line.Span));
            }
        }
        catch (ContainerRuntimeException)
        {
            return "";
        }

        return TerminationMessage.FromLogTail(text.ToString());
    }
}
