using System.Text.Json.Serialization;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Http;

/// <summary>
/// Source-generated System.Text.Json metadata for the KubernetesClient model types this server writes. The models
/// carry their own <c>[JsonPropertyName]</c>s, so the output is what <c>KubernetesJson</c> writes (nulls omitted), but
/// without KubernetesJson's reflection warm-up on the startup path (~50 ms measured).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(V1APIVersions))]
[JsonSerializable(typeof(V1APIGroupList))]
[JsonSerializable(typeof(V1APIGroup))]
[JsonSerializable(typeof(V1APIResourceList))]
[JsonSerializable(typeof(V2APIGroupDiscoveryList))]
public sealed partial class KubeJsonContext : JsonSerializerContext;
