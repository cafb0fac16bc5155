using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>Access to the authenticated user from request handlers.</summary>
public static class KubeUserHttpContextExtensions
{
    /// <summary>The authenticated user; null on the public (unauthenticated) paths.</summary>
    public static KubeUser? GetKubeUser(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<KubeUserFeature>()?.User;
    }
}
