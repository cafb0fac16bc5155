namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>The object a service-account token is bound to: its lifetime ends with that object (later issues).</summary>
/// <param name="Kind"><c>Pod</c>, <c>Secret</c> or <c>Node</c>.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Uid">The object's uid.</param>
public sealed record ServiceAccountTokenBinding(string Kind, string Name, string Uid)
{
    /// <summary>The claim name inside <c>kubernetes.io</c>: the lower-case kind.</summary>
    public string ClaimName => Kind.ToLowerInvariant();
}
