using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting;

/// <summary>Logs the merged, sorted settings once at startup (k3s logs its component args the same way).</summary>
public sealed partial class NodeSettingsLogService(NodeSettings settings, ILogger<NodeSettingsLogService> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Settings(logger, settings.Describe());
        foreach (var key in settings.UnknownKeys)
        {
            Log.UnknownSetting(logger, key);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Settings: {Settings}")]
        public static partial void Settings(ILogger logger, string settings);

        [LoggerMessage(2, LogLevel.Warning, "--extra-config {Key} is not a known setting; passed through unchanged")]
        public static partial void UnknownSetting(ILogger logger, string key);
    }
}
