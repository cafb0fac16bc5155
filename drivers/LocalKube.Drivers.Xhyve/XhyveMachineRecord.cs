using System.Text.Json;
using System.Text.Json.Serialization;
using LocalKube.Drivers.Vm.Host;

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
    /// <exception cref="JsonException">The file is not a record (reported as <c>Error</c> state).</exception>
    public static Task<XhyveMachineRecord?> ReadAsync(string path, CancellationToken cancellationToken) =>
        RecordFile.ReadAsync(path, XhyveRecordJsonContext.Default.XhyveMachineRecord, cancellationToken);

    /// <summary>Writes the record atomically.</summary>
    public Task WriteAsync(string path, CancellationToken cancellationToken) =>
        RecordFile.WriteAsync(path, this, XhyveRecordJsonContext.Default.XhyveMachineRecord, cancellationToken);
}

/// <summary>Source-generated JSON for <see cref="XhyveMachineRecord"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(XhyveMachineRecord))]
internal sealed partial class XhyveRecordJsonContext : JsonSerializerContext;
