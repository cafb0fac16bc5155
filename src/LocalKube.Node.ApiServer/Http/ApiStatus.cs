using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Http;

/// <summary>
/// Writes <c>metav1.Status</c> error bodies (kubectl-protocol §10). Hand-rolled because KubernetesClient's
/// <c>V1Status</c> converter cannot serialize (it throws NotImplementedException); the field order matches upstream.
/// </summary>
public static class ApiStatus
{
    /// <summary>The JSON content type of every Status body.</summary>
    public const string ContentType = "application/json";

    /// <summary>Renders <c>{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",...}</c>.</summary>
    public static byte[] Render(int code, string reason, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", code is >= 200 and < 300 ? "Success" : "Failure");
            json.WriteString("message", message);
            json.WriteString("reason", reason);
            if (code == StatusCodes.Status404NotFound)
            {
                // Upstream's NotFound always has details ({} for a path it does not serve); kubectl debug reads
                // details.name of a 404 without a nil check and crashes without them.
                json.WriteStartObject("details");
                json.WriteEndObject();
            }

            json.WriteNumber("code", code);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Sends a Status as the whole response; the HTTP status equals <paramref name="code"/>.</summary>
    public static async Task WriteAsync(HttpResponse response, int code, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = Render(code, reason, message);
        response.StatusCode = code;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    /// <summary>401: no or invalid credentials.</summary>
    public static Task WriteUnauthorizedAsync(HttpResponse response, CancellationToken cancellationToken) =>
        WriteAsync(response, StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized", cancellationToken);

    /// <summary>404 for a path the server does not serve (upstream wording).</summary>
    public static Task WriteNotFoundAsync(HttpResponse response, CancellationToken cancellationToken) =>
        WriteAsync(response, StatusCodes.Status404NotFound, "NotFound", "the server could not find the requested resource", cancellationToken);
}
