using System.Text.Json;
using k8s;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// KubernetesClient's own JSON options (its converters for quantities, int-or-string, times), for decoding list and
/// watch bodies straight from bytes into its models with System.Text.Json.
/// </summary>
public static class KubeJson
{
    private static readonly Lazy<JsonSerializerOptions> Captured = new(() =>
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesClient did not expose its JSON options");
    });

    /// <summary>The options KubernetesClient serializes its models with.</summary>
    public static JsonSerializerOptions Options => Captured.Value;

    /// <summary>A deep copy of <paramref name="obj"/> (objects from an informer's cache are shared: copy before changing).</summary>
    public static T Clone<T>(T obj) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(obj, Options), Options)!;
}
