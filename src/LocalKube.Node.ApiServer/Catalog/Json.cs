using System.Text.Json;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>
/// Deep comparison through the wire form: the KubernetesClient models are records whose lists and maps compare by
/// reference, while upstream compares semantically. Two values are equal when they serialize identically.
/// </summary>
internal static class Json
{
    public static bool SemanticEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return Serialize(a) == Serialize(b);
    }

    // The API server's own options: KubernetesClient's would write a negative quantity wrongly or never return.
    public static string Serialize(object? value) => value is null ? "null" : JsonSerializer.Serialize(value, value.GetType(), ObjectCodec.Options);

    /// <summary>A deep copy through JSON (so defaulting or masking a copy never touches the caller's object).</summary>
    public static T Clone<T>(T value) where T : class => JsonSerializer.Deserialize<T>(Serialize(value), ObjectCodec.Options)!;
}
