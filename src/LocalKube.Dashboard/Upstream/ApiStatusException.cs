using System.Net;
using System.Text.Json;

namespace LocalKube.Dashboard.Upstream;

/// <summary>The API server answered with a <c>metav1.Status</c> failure (or a non-2xx code).</summary>
public sealed class ApiStatusException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    /// <summary>410 Gone / reason Expired: the resourceVersion is older than the server's history; relist.</summary>
    public bool IsExpired => Code == (int)HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    /// <summary>Worth retrying as is: the server is busy, restarting or timing out.</summary>
    public bool IsTransient => Code is 429 or >= 500;

    /// <summary>Builds the exception from a Status body, or from the code alone when the body is not one.</summary>
    public static ApiStatusException From(int code, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return FromStatus(json.RootElement, code);
        }
        catch (JsonException)
        {
            var text = body.Length > 300 ? body[..300] : body;
            return new ApiStatusException(code, ((HttpStatusCode)code).ToString(), string.IsNullOrWhiteSpace(text) ? $"HTTP {code}" : text.Trim());
        }
    }

    public static ApiStatusException FromStatus(JsonElement status, int fallbackCode)
    {
        var code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : fallbackCode;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : ((HttpStatusCode)code).ToString();
        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : $"HTTP {code}";
        return new ApiStatusException(code, reason, message);
    }
}
