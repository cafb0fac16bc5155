using System.Text;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>The kubelet's plain responses: errors are text (as go-restful's WriteError), data is JSON.</summary>
internal static class KubeletResponses
{
    /// <summary>Writes <paramref name="text"/> with <paramref name="status"/> as text/plain.</summary>
    public static async Task TextAsync(HttpContext context, int status, string text, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left.
        }
    }

    /// <summary>Writes <paramref name="json"/> with 200.</summary>
    public static async Task JsonAsync(HttpContext context, byte[] json, CancellationToken ct)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, ct).ConfigureAwait(false);
    }
}
