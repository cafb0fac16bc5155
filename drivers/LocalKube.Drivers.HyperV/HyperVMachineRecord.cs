using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalKube.Drivers.HyperV;

/// <summary>The persisted hyperv machine: what it was created with. Its state is Hyper-V's.</summary>
internal sealed record HyperVMachineRecord(
    string Driver,
    string Profile,
    string Name,
    string Switch,
    int Cpus,
    long MemoryMiB,
    string ImageHash,
    DateTimeOffset CreatedAt)
{
    /// <summary>Reads the record; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a record.</exception>
    public static async Task<HyperVMachineRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, HyperVRecordJsonContext.Default.HyperVMachineRecord, cancellationToken)
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
            await JsonSerializer.SerializeAsync(stream, this, HyperVRecordJsonContext.Default.HyperVMachineRecord, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Source-generated JSON for <see cref="HyperVMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HyperVMachineRecord))]
internal sealed partial class HyperVRecordJsonContext : JsonSerializerContext;
