using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting.Logging;

/// <summary>
/// Writes the agent log <c>&lt;data-dir&gt;/logs/agent.log</c> as JSON lines
/// (<c>{"time","level","category","eventId","message","exception"}</c>, docs/design.md), one flushed line per entry.
/// </summary>
[ProviderAlias("JsonFile")]
public sealed class JsonFileLoggerProvider : ILoggerProvider
{
    private readonly JsonLineWriter _writer;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, JsonFileLogger> _loggers = new(StringComparer.Ordinal);

    /// <summary>Opens (appends to) <paramref name="path"/>, creating its folder.</summary>
    public JsonFileLoggerProvider(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        _time = time ?? TimeProvider.System;
        _writer = new JsonLineWriter(path);
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, self) => new JsonFileLogger(name, self._writer, self._time), this);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
