using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Hosting;

/// <summary>
/// Writes the agent's pid to <c>--pid-file</c> when the host starts and removes it when the host stops, so drivers
/// (and <c>localkube-init</c>) can find the agent to signal it. Registered first, so it is removed last.
/// </summary>
public sealed partial class PidFileService(IOptions<NodeAgentOptions> options, ILogger<PidFileService> logger) : IHostedService
{
    private readonly string _path = Path.GetFullPath(options.Value.EffectivePidFile);
    private readonly string _pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);

        // Write then rename: a reader never sees a half-written pid.
        var temp = $"{_path}.{_pid}.tmp";
        await File.WriteAllTextAsync(temp, _pid + "\n", cancellationToken);
        File.Move(temp, _path, overwrite: true);
        Log.Written(logger, _path, _pid);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Read and removed even when the host's shutdown time is up (the token cancelled): a stale pid file would
        // make a driver signal whatever process gets this pid next. The file is a few bytes.
        try
        {
            // Only remove our own pid: a second agent may have taken the file over.
            if (File.ReadAllText(_path).Trim() == _pid)
            {
                File.Delete(_path);
                Log.Removed(logger, _path);
            }
        }
        catch (FileNotFoundException)
        {
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Wrote pid file {Path} ({Pid})")]
        public static partial void Written(ILogger logger, string path, string pid);

        [LoggerMessage(2, LogLevel.Debug, "Removed pid file {Path}")]
        public static partial void Removed(ILogger logger, string path);
    }
}
