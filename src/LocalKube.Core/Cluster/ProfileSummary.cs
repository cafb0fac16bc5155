using System.Text.Json.Serialization;

namespace LocalKube.Core.Cluster;

/// <summary>One row of <c>profile list</c>; the JSON keys follow minikube's <c>profile list -o json</c>.</summary>
public sealed record ProfileSummary(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Driver")] string Driver,
    [property: JsonPropertyName("IP")] string Ip,
    [property: JsonPropertyName("Port")] int Port,
    [property: JsonPropertyName("KubernetesVersion")] string KubernetesVersion,
    [property: JsonPropertyName("Nodes")] int Nodes,
    [property: JsonPropertyName("ActiveKubeContext")] bool ActiveKubeContext);

/// <summary>A profile folder whose config cannot be read.</summary>
public sealed record InvalidProfileView(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Error")] string Error);

/// <summary>The result of <c>profile list</c>: <c>{"invalid":[…],"valid":[…]}</c>.</summary>
public sealed record ProfileListView(
    [property: JsonPropertyName("invalid")] IReadOnlyList<InvalidProfileView> Invalid,
    [property: JsonPropertyName("valid")] IReadOnlyList<ProfileSummary> Valid);
