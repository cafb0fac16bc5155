using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// Any object by its coordinates and metadata (client-go's <c>PartialObjectMetadata</c>): what the collector's
/// informers decode every resource into, and the subject of its events.
/// </summary>
internal sealed class MetadataObject : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The object of <paramref name="identity"/>.</summary>
    public static MetadataObject Of(ObjectIdentity identity) => new()
    {
        ApiVersion = identity.ApiVersion,
        Kind = identity.Kind,
        Metadata = new V1ObjectMeta
        {
            Name = identity.Name, NamespaceProperty = identity.Namespace.Length == 0 ? null : identity.Namespace, Uid = identity.Uid,
        },
    };
}
