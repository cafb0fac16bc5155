using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalKube.Drivers.Process;

/// <summary>The persisted "machine" of the process driver: the spec it was created with and whether it runs.</summary>
internal sealed record MachineRecord(
    string Driver,
    string Profile,
    string Name,
    int Cpus,
    long MemoryMiB,
    int ApiServerHostPort,
    bool Running,
    DateTimeOffset CreatedAt)
{
    /// <summary>Reads the record; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a record (reported as <c>Error</c> state).</exception>
    public static async Task<MachineRecord?> ReadAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var stream = File.OpenRead(layout.Record);
            return await JsonSerializer.DeserializeAsync(stream, MachineRecordJsonContext.Default.MachineRecord, cancellationToken)
                ?? throw new JsonException($"{layout.Record} holds null.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically, so a crash never leaves half a file (which would read as Error).</summary>
    public async Task WriteAsync(MachineLayout layout, CancellationToken cancellationToken)
    {
        var temporary = layout.Record + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, this, MachineRecordJsonContext.Default.MachineRecord, cancellationToken);
        }

        File.Move(temporary, layout.Record, overwrite: true);
    }
}

/// <summary>Source-generated JSON for <see cref="MachineRecord"/> (trim-safe for the published CLI).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MachineRecord))]
internal sealed partial class MachineRecordJsonContext : JsonSerializerContext;
