using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LocalKube.Drivers.Vm.Host;

/// <summary>A VM driver's machine record: a small JSON file whose presence is what makes the machine exist.</summary>
public static class RecordFile
{
    /// <summary>Reads the record; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a record (drivers report that as the <c>Error</c> state).</exception>
    public static async Task<T?> ReadAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException($"{path} holds null.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically, so a crash never leaves half a file.</summary>
    public static async Task WriteAsync<T>(string path, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, value, type, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
