using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Authorizes every authenticated request right after authentication (public health and version paths carry no
/// user and pass, as upstream grants them to everyone): the request's attributes are derived from its method and
/// URL, and a denial is upstream's 403 Status. Passes everything when no <see cref="RbacAuthorizer"/> is registered.
/// </summary>
internal sealed class AuthorizationMiddleware(RequestDelegate next, IServiceProvider services)
{
    private readonly RbacAuthorizer? _authorizer = services.GetService<RbacAuthorizer>();

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.GetKubeUser();
        if (_authorizer is null || user is null)
        {
            await next(context);
            return;
        }

        // Admission (escalation checks) runs further down the same async flow and needs the caller.
        RequestUser.Current = user;
        if (!RbacAuthorizer.IsPrivileged(user))
        {
            var ct = context.RequestAborted;
            if (!_authorizer.Synced.IsCompleted)
            {
                await _authorizer.Synced.WaitAsync(ct);
            }

            var request = context.Request;
            var attributes = RequestAttributes.FromRequest(user, request.Method, request.Path.Value ?? "/", request.Query);
            var decision = _authorizer.Authorize(attributes);
            if (!decision.Allowed)
            {
                var error = RbacAuthorizer.Forbidden(attributes, decision.Reason);
                context.Response.Headers["X-Content-Type-Options"] = "nosniff";
                await ResponseWriter.SendAsync(context, 403, ApiStatus.ContentType, error.Render(), ct);
                return;
            }
        }

        await next(context);
    }
}

/// <summary>
/// Who is writing, for code below the HTTP layer (admission): the authenticated caller of the request being served, or
/// for the API server's own start-up writes the explicit internal identity <see cref="KubeUser.ApiServer"/>. There is
/// no anonymous trusted channel: a write with no caller is refused by the admission that needs one.
/// </summary>
public static class RequestUser
{
    private static readonly AsyncLocal<KubeUser?> Value = new();

    /// <summary>The caller; null outside any request or <see cref="As"/> scope.</summary>
    public static KubeUser? Current
    {
        get => Value.Value;
        set => Value.Value = value;
    }

    /// <summary>Runs the rest of the calling flow as <paramref name="user"/> until the result is disposed.</summary>
    public static IDisposable As(KubeUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var previous = Value.Value;
        Value.Value = user;
        return new Scope(previous);
    }

    private sealed class Scope(KubeUser? previous) : IDisposable
    {
        public void Dispose() => Value.Value = previous;
    }
}
