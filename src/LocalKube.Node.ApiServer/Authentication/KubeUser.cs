namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>The authenticated caller (apiserver <c>user.Info</c>), input to the authorization of later issues.</summary>
/// <param name="Name">User name: the certificate CN, or <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>.</param>
/// <param name="Groups">Groups, <c>system:authenticated</c> included.</param>
/// <param name="Uid">Stable id when known (service accounts).</param>
/// <param name="Extra">Extra attributes (e.g. the bound pod of a token).</param>
public sealed record KubeUser(
    string Name,
    IReadOnlyList<string> Groups,
    string? Uid = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra = null)
{
    /// <summary>Added to every authenticated user.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    /// <summary>The superuser group.</summary>
    public const string MastersGroup = "system:masters";

    /// <summary>
    /// The API server itself, for its own start-up writes (default namespaces, the <c>kubernetes</c> Service, the
    /// bootstrap policy): upstream's loopback identity, <c>system:apiserver</c> in <c>system:masters</c>.
    /// </summary>
    public static KubeUser ApiServer { get; } = new("system:apiserver", [MastersGroup, AuthenticatedGroup]);

    /// <summary>This user with <see cref="AuthenticatedGroup"/> added once.</summary>
    public KubeUser WithAuthenticatedGroup() =>
        Groups.Contains(AuthenticatedGroup) ? this : this with { Groups = [.. Groups, AuthenticatedGroup] };
}
