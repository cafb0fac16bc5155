using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Http;

/// <summary>
/// Turns bodiless 404/405 answers (no route matched) and unhandled exceptions into <c>metav1.Status</c> JSON:
/// client-go maps non-Status bodies to generic messages, so every error must be a Status.
/// </summary>
internal sealed partial class ErrorStatusMiddleware(RequestDelegate next, ILogger<ErrorStatusMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            Log.Unhandled(logger, context.Request.Method, context.Request.Path, e);
            context.Response.Clear();
            await ApiStatus.WriteAsync(context.Response, StatusCodes.Status500InternalServerError, "InternalError",
                "an error on the server has prevented the request from succeeding", ct);
            return;
        }

        var response = context.Response;
        if (response.HasStarted || response.ContentType is not null || response.ContentLength is > 0)
        {
            return;
        }

        if (response.StatusCode == StatusCodes.Status404NotFound)
        {
            await ApiStatus.WriteNotFoundAsync(response, ct);
        }
        else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            await ApiStatus.WriteAsync(response, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed",
                $"{context.Request.Method} is not supported on {context.Request.Path}", ct);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, string method, string path, Exception exception);
    }
}
