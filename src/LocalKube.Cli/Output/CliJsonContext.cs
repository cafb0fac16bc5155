using System.Text.Json.Serialization;

namespace LocalKube.Cli.Output;

/// <summary>Source-generated JSON for everything the CLI prints, so startup stays fast.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CloudEvent))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
