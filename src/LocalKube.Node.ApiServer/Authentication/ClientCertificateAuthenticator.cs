using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>Authenticates the TLS client certificate (requested with <c>AllowCertificate</c>) against ca.crt.</summary>
public sealed class ClientCertificateAuthenticator(ClientCertificateValidator validator) : IRequestAuthenticator
{
    /// <inheritdoc />
    public ValueTask<AuthenticationResult> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return ValueTask.FromResult(AuthenticationResult.NoCredentials);
        }

        return ValueTask.FromResult(validator.TryValidate(certificate, out var user, out var error)
            ? AuthenticationResult.Success(user!)
            : AuthenticationResult.Failure(error!));
    }
}
