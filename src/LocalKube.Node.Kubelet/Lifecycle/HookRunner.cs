using k8s.Models;
using LocalKube.Node.Kubelet.Probes;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>
/// Runs postStart and preStop handlers (<c>k8s: pkg/kubelet/lifecycle/handlers.go</c>): exec in the container,
/// httpGet to the pod IP (any HTTP status passes; only transport errors fail), sleep, and tcpSocket (a no-op).
/// </summary>
public sealed class HookRunner(IContainerRuntime runtime, HttpProbe http, TimeProvider time)
{
    /// <summary>Runs <paramref name="handler"/>; returns null on success, else the failure text.</summary>
    public async Task<string?> RunAsync(V1LifecycleHandler handler, V1Container container, string containerId, string podIp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            if (handler.Exec is { } exec)
            {
                var result = await runtime.ExecSyncAsync(containerId, (exec.Command ?? []).ToList(), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                return result.ExitCode == 0 ? null : $"command '{string.Join(' ', exec.Command ?? [])}' exited with {result.ExitCode}: {result.CombinedOutput}";
            }

            if (handler.HttpGet is { } get)
            {
                var port = Prober.ResolvePort(get.Port, container);
                var host = string.IsNullOrEmpty(get.Host) ? podIp : get.Host;
                var url = Prober.BuildUrl(string.IsNullOrEmpty(get.Scheme) ? "http" : get.Scheme.ToLowerInvariant(), host, port, get.Path);
                var headers = (get.HttpHeaders ?? []).Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList();
                var outcome = await http.ProbeAsync(url, headers, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);

                // Any response passes a hook; only a transport failure fails it.
                return outcome.Verdict == ProbeVerdict.Failure && !outcome.Output.StartsWith("HTTP probe failed", StringComparison.Ordinal)
                    ? outcome.Output
                    : null;
            }

            if (handler.Sleep is { } sleep)
            {
                await Task.Delay(TimeSpan.FromSeconds(sleep.Seconds), time, cancellationToken).ConfigureAwait(false);
                return null;
            }

            return null;
        }
        catch (ContainerRuntimeException e)
        {
            return e.Message;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
