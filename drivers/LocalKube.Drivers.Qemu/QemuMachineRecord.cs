using System.Text.Json;
using System.Text.Json.Serialization;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Qemu;

/// <summary>The persisted qemu machine: what it was created with. Whether it runs is QEMU's process, not a flag here.</summary>
internal sealed record QemuMachineRecord(
    string Driver,
    string Profile,
    string Name,
    int Cpus,
    long MemoryMiB,
    int ApiServerHostPort,
    IReadOnlyList<PortMapping> Ports,
    string ImageHash,
    string KernelVersion,
    DateTimeOffset CreatedAt)
{
    /// <summary>Reads the record; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a record (reported as <c>Error</c> state).</exception>
    public static async Task<QemuMachineRecord?> ReadAsync(QemuMachineLayout layout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var stream = File.OpenRead(layout.Record);
            return await JsonSerializer.DeserializeAsync(stream, QemuMachineRecordJsonContext.Default.QemuMachineRecord, cancellationToken)
                .ConfigureAwait(false) ?? throw new JsonException($"{layout.Record} holds null.");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically, so a crash never leaves half a file.</summary>
    public async Task WriteAsync(QemuMachineLayout layout, CancellationToken cancellationToken)
    {
        var temporary = layout.Record + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, this, QemuMachineRecordJsonContext.Default.QemuMachineRecord, cancellationToken)
                .ConfigureAwait(false);
        }

        File.Move(temporary, layout.Record, overwrite: true);
    }
}

/// <summary>Source-generated JSON for <see cref="QemuMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QemuMachineRecord))]
internal sealed partial class QemuMachineRecordJsonContext : JsonSerializerContext;
