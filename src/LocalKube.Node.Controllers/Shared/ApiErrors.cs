using k8s.Autorest;
using LocalKube.Node.Client.Clients;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// What the workload controllers branch on in an API error, over <see cref="KubeErrors"/>, plus the two things it
/// does not answer: a terminating namespace, and the server's message as Go's <c>%v</c> of the error prints it.
/// </summary>
public static class ApiErrors
{
    /// <summary>409 AlreadyExists (a create of a taken name).</summary>
    public static bool IsAlreadyExists(Exception e) => KubeErrors.IsAlreadyExists(e);

    /// <summary>409 Conflict of a stale resourceVersion.</summary>
    public static bool IsConflict(Exception e) => KubeErrors.IsConflict(e);

    /// <summary>404 NotFound.</summary>
    public static bool IsNotFound(Exception e) => KubeErrors.IsNotFound(e);

    /// <summary>Whether the namespace is terminating (no create can succeed there).</summary>
    public static bool IsNamespaceTerminating(Exception e) =>
        e is KubeApiException k
            ? k.Status?.Details?.Causes?.Any(c => c.Reason == "NamespaceTerminating") == true
            : Body(e)?.Contains("NamespaceTerminating", StringComparison.Ordinal) == true;

    /// <summary>The API server's message for an error, else the exception's.</summary>
    public static string Message(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is KubeApiException k && !string.IsNullOrEmpty(k.Message))
        {
            return k.Message;
        }

        if (Body(e) is { Length: > 0 } body)
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

    private static string? Body(Exception e) => (e as HttpOperationException)?.Response?.Content;
}
