using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;service-account JWT&gt;</c>: the token itself, then (where the API server
/// has storage) whether its service account and bound object still exist.
/// </summary>
public sealed class BearerTokenAuthenticator(ServiceAccountTokenValidator validator, ServiceAccountTokenRevocation? revocation = null) : IRequestAuthenticator
{
    /// <inheritdoc />
    public async ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticationResult.NoCredentials;
        }

        var token = header[scheme.Length..].Trim();
        if (!validator.TryValidate(token, out var user, out var claims, out var error))
        {
            return AuthenticationResult.Failure(error!);
        }

        if (revocation is not null && await revocation.CheckAsync(claims!, cancellationToken) is { } revoked)
        {
            return AuthenticationResult.Failure(revoked);
        }

        return AuthenticationResult.Success(user!);
    }
}
