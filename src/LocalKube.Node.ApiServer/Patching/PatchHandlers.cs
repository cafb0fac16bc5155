using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>), as <c>kubectl patch --type=json</c> and <c>rollout undo</c> send it.</summary>
public sealed class JsonPatchHandler : IPatchHandler
{
    /// <inheritdoc />
    public string MediaType => "application/json-patch+json";

    /// <inheritdoc />
    public JsonObject Apply(RestResource resource, JsonObject current, ReadOnlyMemory<byte> patch)
    {
        var operations = JsonPatch.Parse(patch.Span);
        return JsonPatch.Apply(current, operations) as JsonObject
            ?? throw PatchErrors.Unprocessable("the patched document is not an object");
    }
}

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>), what <c>kubectl apply</c>, <c>edit</c>,
/// <c>patch</c> (its default), <c>set</c> and <c>rollout restart</c> send, merged with the resource's model type.
/// </summary>
public sealed class StrategicMergePatchHandler : IPatchHandler
{
    /// <inheritdoc />
    public string MediaType => "application/strategic-merge-patch+json";

    /// <inheritdoc />
    public JsonObject Apply(RestResource resource, JsonObject current, ReadOnlyMemory<byte> patch)
    {
        ArgumentNullException.ThrowIfNull(resource);
        // Upstream reports the decoder's error bare here (no "error decoding patch: " prefix).
        var patchMap = PatchBody.ParseObject(patch.Span, "");
        // The /scale subresource hands over an autoscaling/v1 Scale: merge it with the Scale's own schema.
        var model = resource.Kind != "Scale" && current["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            && (string?)current["kind"] == "Scale" ? typeof(k8s.Models.V1Scale) : resource.Strategy.ModelType;
        return StrategicMergePatch.Apply(current, patchMap, model);
    }
}
