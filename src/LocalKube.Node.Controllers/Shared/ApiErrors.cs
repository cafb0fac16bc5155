using System.Net;
using k8s.Autorest;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Classifies API errors the way controllers branch on them (<c>apierrors.IsAlreadyExists</c>...).</summary>
public static class ApiErrors
{
    /// <summary>The HTTP status of an API error, if <paramref name="e"/> is one.</summary>
    public static HttpStatusCode? StatusOf(Exception e) => e is HttpOperationException h ? h.Response?.StatusCode : null;

    /// <summary>409 AlreadyExists (a create of a taken name).</summary>
    public static bool IsAlreadyExists(Exception e) =>
        StatusOf(e) == HttpStatusCode.Conflict && (e as HttpOperationException)?.Response?.Content?.Contains("\"AlreadyExists\"", StringComparison.Ordinal) != false;

    /// <summary>409 Conflict of a stale resourceVersion.</summary>
    public static bool IsConflict(Exception e) => StatusOf(e) == HttpStatusCode.Conflict && !IsAlreadyExists(e);

    /// <summary>404 NotFound.</summary>
    public static bool IsNotFound(Exception e) => StatusOf(e) == HttpStatusCode.NotFound;

    /// <summary>Whether the namespace is terminating (no create can succeed there).</summary>
    public static bool IsNamespaceTerminating(Exception e) =>
        (e as HttpOperationException)?.Response?.Content?.Contains("NamespaceTerminating", StringComparison.Ordinal) == true;

    /// <summary>The API server's message for an error (<c>%v</c> of a Go StatusError), else the exception's.</summary>
    public static string Message(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is HttpOperationException h && h.Response?.Content is { Length: > 0 } body)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(body);
                if (doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { } message)
                {
                    return message;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a Status: fall through to the exception's own text.
            }
        }

        return e.Message;
    }
}
