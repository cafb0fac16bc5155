using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LocalKube.Cli.Output;

/// <summary>
/// Keeps the diagnostic log of one command in memory, so <c>start</c> can save it as the profile's
/// <c>logs/last-start.log</c> at the end — but only when the profile exists: a start refused up front (no Docker,
/// bad flags) must leave nothing behind.
/// </summary>
public sealed class StartLogProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <summary>Writes what was logged to <paramref name="path"/> if its folder exists.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(Path.GetDirectoryName(folder)))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await File.WriteAllLinesAsync(path, _lines, cancellationToken);
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {logLevel} {category}: {formatter(state, exception)}";
            lines.Enqueue(exception is null ? line : line + Environment.NewLine + exception);
        }
    }
}
