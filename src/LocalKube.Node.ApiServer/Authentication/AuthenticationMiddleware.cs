using LocalKube.Node.ApiServer.Health;
using LocalKube.Node.ApiServer.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// Authenticates every request except the public health and version paths; the first authenticator that succeeds
/// wins, else 401 with a <c>metav1.Status</c>. The user is then available through
/// <see cref="KubeUserHttpContextExtensions.GetKubeUser"/>.
/// </summary>
internal sealed partial class AuthenticationMiddleware(
    RequestDelegate next, IEnumerable<IRequestAuthenticator> authenticators, ILogger<AuthenticationMiddleware> logger)
{
    private readonly IRequestAuthenticator[] _authenticators = authenticators.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsPublic(context.Request.Path))
        {
            await next(context);
            return;
        }

        var ct = context.RequestAborted;
        string? lastError = null;
        foreach (var authenticator in _authenticators)
        {
            var result = await authenticator.AuthenticateAsync(context, ct);
            if (result.User is { } user)
            {
                context.Features.Set(new KubeUserFeature(user.WithAuthenticatedGroup()));
                await next(context);
                return;
            }

            lastError = result.Error ?? lastError;
        }

        Log.Rejected(logger, context.Request.Method, context.Request.Path, lastError ?? "no credentials");
        await ApiStatus.WriteUnauthorizedAsync(context.Response, ct);
    }

    /// <summary>Paths anyone may read (upstream grants them to system:unauthenticated).</summary>
    internal static bool IsPublic(PathString path)
    {
        if (path.Equals("/version") || path.Equals("/version/"))
        {
            return true;
        }

        foreach (var kind in HealthReporter.Kinds)
        {
            if (path.StartsWithSegments("/" + kind, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Unauthorized {Method} {Path}: {Reason}")]
        public static partial void Rejected(ILogger logger, string method, string path, string reason);
    }
}
