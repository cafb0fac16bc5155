using LocalKube.Cli.Output;
using LocalKube.Core;
using LocalKube.Core.Cluster;
using LocalKube.Drivers.Docker;
using LocalKube.Drivers.HyperV;
using LocalKube.Drivers.Process;
using LocalKube.Drivers.Qemu;
using LocalKube.Drivers.Xhyve;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Cli;

/// <summary>The CLI's composition root: the explicit list of services and drivers.</summary>
public static class CliServices
{
    public static IHost Build(bool verbose, TextWriter stderr)
    {
        // No default configuration sources or console logging: the CLI's console belongs to its output.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var startLog = new StartLogProvider();
        builder.Services.AddSingleton(startLog);
        builder.Logging.AddProvider(startLog);
        if (verbose)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.Services.AddLocalKubeCore();
        builder.Services.AddDockerDriver();
        builder.Services.AddProcessDriver();
        builder.Services.AddQemuDriver();
        builder.Services.AddHyperVDriver();
        builder.Services.AddXhyveDriver();
        builder.Services.AddSingleton<ClusterManager>();

        // The image commands work through the cluster's lifecycle (its running node), so they come with it.
        builder.Services.AddSingleton<LocalKube.Core.Images.NodeImages>();
        return builder.Build();
    }
}
