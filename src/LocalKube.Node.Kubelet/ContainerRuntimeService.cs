using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet;

/// <summary>
/// The container runtime as a node component (<c>container-runtime</c>): ready once the engine answers and is
/// prepared for pods (sandbox image loaded, pod network made). An engine that is not up yet (the node's dockerd
/// starts beside the agent) is waited for, with its error in the log.
/// </summary>
public sealed partial class ContainerRuntimeService(NodeComponentContext context, IContainerRuntime runtime) : NodeComponentService(context)
{
    /// <inheritdoc />
    public override NodeComponent Component => NodeComponent.ContainerRuntime;

    /// <inheritdoc />
    protected override async Task RunAsync(Action markReady, CancellationToken stoppingToken)
    {
        var info = await PrepareAsync(runtime, Time, Logger, stoppingToken);
        Log.Ready(Logger, info.RuntimeVersion, info.ApiVersion);
        markReady();
        await Task.Delay(Timeout.InfiniteTimeSpan, Time, stoppingToken);
    }

    /// <summary>Waits for the engine and prepares it; returns its facts.</summary>
    public static async Task<RuntimeInfo> PrepareAsync(IContainerRuntime runtime, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var delay = TimeSpan.FromMilliseconds(100);
        string? lastError = null;
        while (true)
        {
            try
            {
                var info = await runtime.GetInfoAsync(cancellationToken);
                await runtime.PrepareAsync(cancellationToken);
                return info;
            }
            catch (ContainerRuntimeException e)
            {
                if (e.Message != lastError)
                {
                    Log.Waiting(logger, runtime.Type, e.Message);
                    lastError = e.Message;
                }
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Container runtime {Version} (API {ApiVersion}) is ready")]
        public static partial void Ready(ILogger logger, string version, string apiVersion);

        [LoggerMessage(2, LogLevel.Warning, "Waiting for the {Runtime} container runtime: {Message}")]
        public static partial void Waiting(ILogger logger, string runtime, string message);
    }
}
