using System.Globalization;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// Runs one probe of a container (<c>k8s: pkg/kubelet/prober/prober.go</c>): httpGet and tcpSocket against the pod IP
/// (or the probe's host), exec through the runtime, grpc; an error of the prober itself is retried up to 3 times;
/// failures produce an <c>Unhealthy</c> event <c>&lt;Kind&gt; probe failed: &lt;output&gt;</c>, redirects a
/// <c>ProbeWarning</c>. On the simulated runtime a probe passes unless the pod's
/// <c>simulated.localkube.io/probe-failure[.container]</c> annotation names its kind.
/// </summary>
public sealed class Prober(IContainerRuntime runtime, HttpProbe http, IKubeletEventSink events)
{
    private const int MaxRetries = 3;

    /// <summary>Upstream's spelling of the kind in events.</summary>
    public static string Name(ProbeKind kind) => kind switch
    {
        ProbeKind.Liveness => "Liveness",
        ProbeKind.Readiness => "Readiness",
        _ => "Startup",
    };

    /// <summary>Runs the probe; returns true (passed), false (failed), or null when the prober itself failed.</summary>
    public async Task<bool?> ProbeAsync(ProbeKind kind, V1Pod pod, string podIp, V1Container container, V1Probe probe, string containerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(probe);
        ProbeOutcome outcome = ProbeOutcome.Error("not run");
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            outcome = await RunAsync(kind, pod, podIp, container, probe, containerId, cancellationToken).ConfigureAwait(false);
            if (outcome.Verdict != ProbeVerdict.Error)
            {
                break;
            }
        }

        switch (outcome.Verdict)
        {
            case ProbeVerdict.Success:
                return true;
            case ProbeVerdict.Warning:
                events.Record(pod, container.Name, "Warning", "ProbeWarning", $"{Name(kind)} probe warning: {outcome.Output}");
                return true;
            case ProbeVerdict.Failure:
                events.Record(pod, container.Name, "Warning", "Unhealthy", $"{Name(kind)} probe failed: {outcome.Output}");
                return false;
            default:
                events.Record(pod, container.Name, "Warning", "Unhealthy",
                    $"{Name(kind)} probe errored and resulted in unknown state: {outcome.Output}");
                return null;
        }
    }

    private async Task<ProbeOutcome> RunAsync(ProbeKind kind, V1Pod pod, string podIp, V1Container container, V1Probe probe, string containerId, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(probe.TimeoutSeconds is > 0 ? probe.TimeoutSeconds.Value : 1);
        if (runtime.IsSimulated)
        {
            return Simulated(kind, pod, container);
        }

        try
        {
            if (probe.Exec is { } exec)
            {
                var command = exec.Command ?? [];
                var result = await runtime.ExecSyncAsync(containerId, command.ToList(), timeout, cancellationToken).ConfigureAwait(false);
                if (result.TimedOut)
                {
                    return ProbeOutcome.Failure($"command \"{string.Join(' ', command)}\" timed out");
                }

                return result.ExitCode == 0 ? ProbeOutcome.Success(result.CombinedOutput) : ProbeOutcome.Failure(result.CombinedOutput);
            }

            if (probe.HttpGet is { } get)
            {
                var port = ResolvePort(get.Port, container);
                var host = string.IsNullOrEmpty(get.Host) ? podIp : get.Host;
                var scheme = string.IsNullOrEmpty(get.Scheme) ? "http" : get.Scheme.ToLowerInvariant();
                var url = BuildUrl(scheme, host, port, get.Path);
                var headers = (get.HttpHeaders ?? []).Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList();
                return await http.ProbeAsync(url, headers, timeout, cancellationToken).ConfigureAwait(false);
            }

            if (probe.TcpSocket is { } tcp)
            {
                var host = string.IsNullOrEmpty(tcp.Host) ? podIp : tcp.Host;
                return await TcpProbe.ProbeAsync(host, ResolvePort(tcp.Port, container), timeout, cancellationToken).ConfigureAwait(false);
            }

            if (probe.Grpc is { } grpc)
            {
                return await GrpcProbe.ProbeAsync(podIp, grpc.Port, grpc.Service, timeout, cancellationToken).ConfigureAwait(false);
            }

            return ProbeOutcome.Error("missing probe handler");
        }
        catch (ContainerRuntimeException e)
        {
            return ProbeOutcome.Error(e.Message);
        }
        catch (ArgumentException e)
        {
            return ProbeOutcome.Error(e.Message);
        }
    }

    /// <summary>A probe or hook URL as upstream forms it: the path may carry a query.</summary>
    public static Uri BuildUrl(string scheme, string host, int port, string? path)
    {
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var p = string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path;
        return new Uri($"{scheme}://{hostPart}:{port.ToString(CultureInfo.InvariantCulture)}{p}");
    }

    /// <summary>A number, or a named container port.</summary>
    /// <exception cref="ArgumentException">The name matches no port of the container.</exception>
    public static int ResolvePort(IntOrString port, V1Container container)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(container);
        var value = port.Value ?? "";
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort
            ?? throw new ArgumentException($"couldn't find port: {value} in {container.Name}");
    }

    private static ProbeOutcome Simulated(ProbeKind kind, V1Pod pod, V1Container container)
    {
        var annotations = pod.Metadata?.Annotations ?? new Dictionary<string, string>();
        var key = Runtime.Simulated.SimulatedAnnotations.ProbeFailure;
        var value = annotations.TryGetValue($"{key}.{container.Name}", out var own) ? own : annotations.TryGetValue(key, out var all) ? all : "";
        var failing = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(kind.ToString(), StringComparer.OrdinalIgnoreCase);
        return failing ? ProbeOutcome.Failure("simulated probe failure") : ProbeOutcome.Success();
    }
}
