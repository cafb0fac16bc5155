using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// One way to authenticate a request (client certificate, bearer token...). The middleware tries each registered
/// authenticator in order and takes the first success (upstream's union authenticator).
/// </summary>
public interface IRequestAuthenticator
{
    /// <summary>Authenticates <paramref name="context"/>, or says it has no credential of this kind.</summary>
    ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken);
}
