using k8s.Models;

namespace LocalKube.Node.Client.Clients;

/// <summary>A non-success answer of the API server to a raw request (list, watch), with its <c>metav1.Status</c>.</summary>
public sealed class KubeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubeApiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KubeApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an HTTP <paramref name="statusCode"/> and the body's Status.</summary>
    public KubeApiException(int statusCode, V1Status? status, string fallbackMessage)
        : base(status?.Message is { Length: > 0 } m ? m : fallbackMessage)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>The HTTP status code (or the Status's code for a watch ERROR event).</summary>
    public int StatusCode { get; }

    /// <summary>The Status the server sent, if any.</summary>
    public V1Status? Status { get; }

    /// <summary>The Status reason, e.g. <c>Expired</c>, <c>Conflict</c>.</summary>
    public string? Reason => Status?.Reason;
}
