using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting.Logging;

/// <summary>Registers the agent's JSON-lines file log.</summary>
public static class JsonFileLoggingExtensions
{
    /// <summary>Adds a <see cref="JsonFileLoggerProvider"/> writing to <paramref name="path"/>.</summary>
    public static ILoggingBuilder AddJsonFile(this ILoggingBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ILoggerProvider>(sp => new JsonFileLoggerProvider(path, sp.GetService<TimeProvider>()));
        return builder;
    }
}
