using System.Net;
using k8s.Autorest;

namespace LocalKube.Node.Client.Clients;

/// <summary>Classifies API errors from KubernetesClient calls and raw requests (apimachinery <c>errors.IsX</c>).</summary>
public static class KubeErrors
{
    /// <summary>The HTTP status of <paramref name="e"/>, or null when it is not an API answer (e.g. a dropped connection).</summary>
    public static int? StatusCode(Exception? e) => e switch
    {
        HttpOperationException h when h.Response is not null => (int)h.Response.StatusCode,
        KubeApiException k when k.StatusCode != 0 => k.StatusCode,
        k8s.KubernetesException k when k.Status?.Code is { } code => code,
        _ => null,
    };

    /// <summary>409 Conflict: a stale resourceVersion on update; reread and try again.</summary>
    public static bool IsConflict(Exception? e) => StatusCode(e) == (int)HttpStatusCode.Conflict && !IsAlreadyExists(e);

    /// <summary>409 AlreadyExists on create.</summary>
    public static bool IsAlreadyExists(Exception? e) => StatusCode(e) == 409 && Reason(e) == "AlreadyExists";

    /// <summary>404 NotFound.</summary>
    public static bool IsNotFound(Exception? e) => StatusCode(e) == 404;

    /// <summary>403 Forbidden (RBAC, or a terminating namespace).</summary>
    public static bool IsForbidden(Exception? e) => StatusCode(e) == 403;

    /// <summary>410 Gone / Expired: a resourceVersion too old to watch from; relist.</summary>
    public static bool IsGone(Exception? e) => StatusCode(e) == 410 || Reason(e) is "Expired" or "Gone";

    /// <summary>The Status reason of <paramref name="e"/>, when the server sent one.</summary>
    public static string? Reason(Exception? e) => e switch
    {
        KubeApiException k => k.Reason,
        HttpOperationException h => ReasonFromBody(h.Response?.Content),
        k8s.KubernetesException k => k.Status?.Reason,
        _ => null,
    };

    private static string? ReasonFromBody(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
