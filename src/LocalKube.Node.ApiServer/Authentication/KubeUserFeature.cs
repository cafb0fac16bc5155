namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>The request feature holding the authenticated <see cref="KubeUser"/>.</summary>
/// <param name="User">The user.</param>
public sealed record KubeUserFeature(KubeUser User);
