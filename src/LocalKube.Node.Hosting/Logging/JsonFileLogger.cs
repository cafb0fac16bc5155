using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting.Logging;

/// <summary>One category's logger; all share the provider's <see cref="JsonLineWriter"/>.</summary>
internal sealed class JsonFileLogger(string category, JsonLineWriter writer, TimeProvider time) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    // Level filtering is done by the logging framework's filter rules (provider alias "JsonFile").
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        writer.Write(time.GetUtcNow(), logLevel, category, eventId, formatter(state, exception), exception);
    }
}
