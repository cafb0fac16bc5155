using LocalKube.Node.ApiServer;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Client;
using LocalKube.Node.Controllers;
using LocalKube.Node.Hosting;
using LocalKube.Node.Hosting.Logging;
using LocalKube.Node.Kubelet;
using LocalKube.Node.Networking;
using LocalKube.Node.Scheduler;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace LocalKube.Node;

/// <summary>
/// Composes the agent host: shared node services, then the components in dependency order (Storage ← ApiServer ←
/// the API clients). Tests build it the same way and may add components before building.
/// </summary>
public static partial class NodeAgentHost
{
    /// <summary>Creates the host builder for <paramref name="options"/> (already validated by the caller).</summary>
    /// <param name="options">The <c>run</c> flags.</param>
    /// <param name="console">Also log to the console (off in tests that start many agents).</param>
    public static HostApplicationBuilder CreateBuilder(NodeAgentOptions options, bool console = true)
    {
        ArgumentNullException.ThrowIfNull(options);

        // No defaults: no appsettings.json or environment configuration to surprise a node, and fewer providers to
        // start. Everything the agent needs comes from its flags.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "localkube-node",
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Logging.SetMinimumLevel(LogLevel.Information);

        // Per-request hosting logs would flood agent.log with health probes.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddJsonFile(options.LogFile);
        if (console)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddLocalKubeNode(options);
        builder.Services.AddLocalKubeStorage();
        builder.Services.AddLocalKubeApiServer();
        builder.Services.AddBuiltInResources();

        // The API's clients, after the API server so they stop before it. Each is a component that
        // --extra-config agent.disable=<name> switches off.
        builder.Services.AddNodeClient();
        builder.Services.AddLocalKubeScheduler();
        builder.Services.AddLocalKubeControllers();
        builder.Services.AddWorkloadControllers();
        builder.Services.AddLocalKubeKubelet();
        builder.Services.AddLocalKubeNetworking(options);
        return builder;
    }

    /// <summary>
    /// Runs <paramref name="host"/> until SIGTERM, Ctrl+C, <paramref name="cancellationToken"/> or a component
    /// failure, and returns the process exit code.
    /// </summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var exitStatus = host.Services.GetRequiredService<NodeExitStatus>();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LocalKube.Node");
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            Log.InvalidOptions(logger, e.Message);
            return NodeExitStatus.InvalidUsage;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A hosted service failed to start (e.g. the pid file folder is read-only).
            Log.StartFailed(logger, e);
            return exitStatus.ExitCode == NodeExitStatus.Success ? NodeExitStatus.ComponentFailed : exitStatus.ExitCode;
        }

        Log.Exiting(logger, exitStatus.ExitCode, exitStatus.FailedComponent?.Name ?? "none");
        return exitStatus.ExitCode;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Critical, "Invalid agent options: {Message}")]
        public static partial void InvalidOptions(ILogger logger, string message);

        [LoggerMessage(2, LogLevel.Critical, "The agent failed to start")]
        public static partial void StartFailed(ILogger logger, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "Agent exiting with code {ExitCode} (failed component: {Component})")]
        public static partial void Exiting(ILogger logger, int exitCode, string component);
    }
}
