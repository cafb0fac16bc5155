using System.Text.Json.Serialization;

namespace LocalKube.Core.Profiles;

// Source-generated so the CLI can be trimmed; camelCase to match the flag-style keys users see in docs.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ClusterConfig))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
