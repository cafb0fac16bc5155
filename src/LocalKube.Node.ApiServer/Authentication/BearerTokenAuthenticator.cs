using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LocalKube.Node.ApiServer;

/// <summary>Authenticates <c>Authorization: Bearer &lt;service-account JWT&gt;</c>.</summary>
public sealed class BearerTokenAuthenticator(ServiceAccountTokenValidator validator) : IRequestAuthenticator
{
    /// <inheritdoc />
    public ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(AuthenticationResult.NoCredentials);
        }

        var token = header[scheme.Length..].Trim();
        return ValueTask.FromResult(validator.TryValidate(token, out var user, out var error)
            ? AuthenticationResult.Success(user!)
            : AuthenticationResult.Failure(error!));
    }
}
