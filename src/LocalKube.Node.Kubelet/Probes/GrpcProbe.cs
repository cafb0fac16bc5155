using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>
/// The grpc probe (<c>k8s: pkg/probe/grpc</c>): <c>grpc.health.v1.Health/Check</c> in plaintext; SERVING passes, any
/// other status fails with upstream's wording.
/// </summary>
public static class GrpcProbe
{
    /// <summary>Checks <paramref name="service"/> at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<ProbeOutcome> ProbeAsync(string host, int port, string? service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = timeout, UseProxy = false },
            DisposeHttpClient = true,
        });
        var client = new Health.HealthClient(channel);
        try
        {
            var reply = await client.CheckAsync(new HealthCheckRequest { Service = service ?? "" },
                deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? ProbeOutcome.Success()
                : ProbeOutcome.Failure($"service unhealthy (responded with \"{StatusName(reply.Status)}\")");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return ProbeOutcome.Failure($"this server does not implement the grpc health protocol (grpc.health.v1.Health): {e.Status.Detail}");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
        {
            return ProbeOutcome.Failure($"timeout: health rpc did not complete within {LocalKube.Node.Kubelet.Runtime.GoDuration.Format(timeout)}");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            return ProbeOutcome.Failure($"timeout: failed to connect service \"{host}:{port}\" within {LocalKube.Node.Kubelet.Runtime.GoDuration.Format(timeout)}: {e.Status.Detail}");
        }
        catch (RpcException e)
        {
            return ProbeOutcome.Failure($"error: health rpc probe failed: rpc error: code = {e.StatusCode} desc = {e.Status.Detail}");
        }
    }

    private static string StatusName(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        _ => "UNKNOWN",
    };
}
