using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>
/// Keeps the exceptions the agent logs as errors, so a 5xx can be reported with its cause (type and the first
/// frame in LocalKube's code), which tells failures of different causes apart.
/// </summary>
internal sealed class ErrorCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Exception> _errors = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>The errors logged since the last call, as "Type at Frame: message" lines.</summary>
    public string Drain()
    {
        var lines = new List<string>();
        while (_errors.TryDequeue(out var e))
        {
            var frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("LocalKube.", StringComparison.Ordinal)) ?? "(no LocalKube frame)";
            lines.Add($"{e.GetType().Name} {frame}: {e.Message}");
        }

        return string.Join("\n", lines);
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
            {
                owner._errors.Enqueue(exception);
            }
        }
    }
}
