using System.Text.Json.Serialization;
using k8s.Models;

namespace LocalKube.Node.Client.Informers;

/// <summary>Any list body: <c>metadata</c> (resourceVersion, continue) and <c>items</c> of one model type.</summary>
internal sealed class KubeList<T>
{
    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<T>? Items { get; set; }
}
