using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Endpoints;

/// <summary>
/// Reads a JSON request body of the dashboard's own endpoints. What is not JSON of the expected shape is the
/// caller's mistake, so it is a 4xx Status (as the API server answers a body it cannot decode), never a 500: 415 for
/// a content type that is not JSON (or a charset .NET cannot read), 400 for a body that does not decode, the body limit's 413 for one too large.
/// </summary>
internal static class JsonBody
{
    /// <summary>The body as <typeparamref name="T"/>; null after the refusal has been written.</summary>
    public static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                $"the body must be application/json, not {(request.ContentType is { Length: > 0 } given ? $"\"{given}\"" : "missing")}", context.RequestAborted);
            return null;
        }

        try
        {
            var value = await request.ReadFromJsonAsync(type, context.RequestAborted);
            if (value is not null)
            {
                return value;
            }

            await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest", "the body is empty (null)", context.RequestAborted);
        }
        catch (JsonException e)
        {
            // The reader's message names the line and position; it never holds more than a few bytes of the body.
            await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest", "the body is not valid JSON for this endpoint: " + e.Message, context.RequestAborted);
        }
        catch (InvalidOperationException e)
        {
            // A JSON type with a charset .NET does not know (application/json; charset=x-unknown).
            await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", e.Message, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's body limits (too large, too slow, cut short).
            await ApiProxy.WriteStatusAsync(context.Response, (HttpStatusCode)e.StatusCode, "BadRequest", e.Message, context.RequestAborted);
        }

        return null;
    }
}
