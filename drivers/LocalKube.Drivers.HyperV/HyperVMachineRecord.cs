using System.Text.Json;
using System.Text.Json.Serialization;
using LocalKube.Drivers.Vm.Host;

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
    /// <exception cref="JsonException">The file is not a record (reported as <c>Error</c> state).</exception>
    public static Task<HyperVMachineRecord?> ReadAsync(string path, CancellationToken cancellationToken) =>
        RecordFile.ReadAsync(path, HyperVRecordJsonContext.Default.HyperVMachineRecord, cancellationToken);

    /// <summary>Writes the record atomically.</summary>
    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        RecordFile.WriteAsync(path, this, HyperVRecordJsonContext.Default.HyperVMachineRecord, cancellationToken);
}

/// <summary>Source-generated JSON for <see cref="HyperVMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HyperVMachineRecord))]
internal sealed partial class HyperVRecordJsonContext : JsonSerializerContext;
