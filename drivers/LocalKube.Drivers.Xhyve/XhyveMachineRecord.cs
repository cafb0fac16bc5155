using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalKube.Drivers.Xhyve;

/// <summary>The persisted xhyve machine: what it was created with (the UUID keeps its vmnet MAC, hence its address, stable).</summary>
internal sealed record XhyveMachineRecord(
    string Driver,
    string Profile,
    string Name,
    string Uuid,
    int Cpus,
    long MemoryMiB,
    string ImageHash,
    string Hyperkit,
    DateTimeOffset CreatedAt)
{
    /// <summary>Reads the record; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a record.</exception>
    public static async Task<XhyveMachineRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, XhyveRecordJsonContext.Default.XhyveMachineRecord, cancellationToken)
                .ConfigureAwait(false) ?? throw new JsonException($"{path} holds null.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, this, XhyveRecordJsonContext.Default.XhyveMachineRecord, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Source-generated JSON for <see cref="XhyveMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(XhyveMachineRecord))]
internal sealed partial class XhyveRecordJsonContext : JsonSerializerContext;
