using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A PATCH body format. JSON merge patch is built in; strategic merge patch, JSON patch and apply patches plug in
/// here (<c>services.AddPatchHandler&lt;T&gt;()</c>). The machinery reads the current object, calls
/// <see cref="Apply"/>, and runs the result through the ordinary update path (defaulting, validation, concurrency).
/// </summary>
public interface IPatchHandler
{
    /// <summary>The Content-Type media type handled, e.g. <c>application/strategic-merge-patch+json</c>.</summary>
    string MediaType { get; }

    /// <summary>Returns the patched object; throw a <see cref="StatusException"/> (400/422) for a bad patch.</summary>
    JsonObject Apply(RestResource resource, JsonObject current, ReadOnlyMemory<byte> patch);
}

/// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
public sealed class MergePatchHandler : IPatchHandler
{
    /// <inheritdoc />
    public string MediaType => "application/merge-patch+json";

    /// <inheritdoc />
    public JsonObject Apply(RestResource resource, JsonObject current, ReadOnlyMemory<byte> patch)
    {
        // Upstream decodes the body into a Go map first: malformed JSON or a non-object is "error decoding patch: ...".
        var node = Patching.PatchBody.ParseObject(patch.Span, "error decoding patch: ");
        return MergePatch.Apply(current, node) as JsonObject ?? throw StatusException.BadRequest("the patch must be a JSON object");
    }
}
