namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>What a verified service-account token says about the objects it lives by.</summary>
/// <param name="Namespace">The service account's namespace.</param>
/// <param name="Name">The service account's name.</param>
/// <param name="Uid">The service account's uid when the token was minted.</param>
/// <param name="Bound">The pod, secret or node the token is bound to; null for an unbound token.</param>
public sealed record ServiceAccountTokenClaims(string Namespace, string Name, string Uid, ServiceAccountTokenBinding? Bound);
