namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>What a service-account token asserts (the TokenRequest of later issues).</summary>
/// <param name="Namespace">The service account's namespace.</param>
/// <param name="ServiceAccountName">The service account's name.</param>
/// <param name="ServiceAccountUid">The service account object's uid.</param>
/// <param name="Audiences">The <c>aud</c> claim; the API server accepts tokens meant for its own audiences.</param>
/// <param name="Lifetime">How long the token is valid from now.</param>
public sealed record ServiceAccountTokenRequest(
    string Namespace,
    string ServiceAccountName,
    string ServiceAccountUid,
    IReadOnlyList<string> Audiences,
    TimeSpan Lifetime)
{
    /// <summary>The object the token is bound to (a pod, a secret or a node); null for an unbound token.</summary>
    public ServiceAccountTokenBinding? BoundObject { get; init; }
}
