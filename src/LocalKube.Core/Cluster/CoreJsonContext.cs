using System.Text.Json.Serialization;

namespace LocalKube.Core.Cluster;

/// <summary>Source-generated JSON for the documents the CLI prints.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ClusterStatus))]
[JsonSerializable(typeof(ProfileListView))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
