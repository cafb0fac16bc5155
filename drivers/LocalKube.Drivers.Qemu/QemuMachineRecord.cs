using System.Text.Json;
using System.Text.Json.Serialization;
using LocalKube.Drivers.Vm.Host;
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
    public static Task<QemuMachineRecord?> ReadAsync(QemuMachineLayout layout, CancellationToken cancellationToken) =>
        RecordFile.ReadAsync(layout.Record, QemuMachineRecordJsonContext.Default.QemuMachineRecord, cancellationToken);

    /// <summary>Writes the record atomically.</summary>
    public Task WriteAsync(QemuMachineLayout layout, CancellationToken cancellationToken) =>
        RecordFile.WriteAsync(layout.Record, this, QemuMachineRecordJsonContext.Default.QemuMachineRecord, cancellationToken);
}

/// <summary>Source-generated JSON for <see cref="QemuMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QemuMachineRecord))]
internal sealed partial class QemuMachineRecordJsonContext : JsonSerializerContext;
