namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>What one <see cref="IRequestAuthenticator"/> concluded about a request.</summary>
public sealed class AuthenticationResult
{
    private AuthenticationResult(KubeUser? user, string? error)
    {
        User = user;
        Error = error;
    }

    /// <summary>The request carries no credential of this kind.</summary>
    public static AuthenticationResult NoCredentials { get; } = new(null, null);

    /// <summary>The user, when authenticated.</summary>
    public KubeUser? User { get; }

    /// <summary>Why the credential was rejected; logged, never sent to the client.</summary>
    public string? Error { get; }

    /// <summary>Authenticated as <paramref name="user"/>.</summary>
    public static AuthenticationResult Success(KubeUser user) => new(user ?? throw new ArgumentNullException(nameof(user)), null);

    /// <summary>A credential was present but is invalid.</summary>
    public static AuthenticationResult Failure(string error) => new(null, error);
}
