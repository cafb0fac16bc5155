namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// How the kubelet's API decides who a caller is and what it may do, as upstream's webhook modes: bearer tokens
/// through a TokenReview, every request through a SubjectAccessReview on <c>nodes/&lt;subresource&gt;</c>.
/// </summary>
public interface IKubeletAccessReviewer
{
    /// <summary>The user a bearer token belongs to, or null when the API server rejects it.</summary>
    Task<KubeletCaller?> AuthenticateTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="caller"/> may <paramref name="verb"/> <c>nodes/&lt;subresource&gt;</c> of <paramref name="nodeName"/>.</summary>
    Task<bool> AuthorizeAsync(KubeletCaller caller, string verb, string subresource, string nodeName, CancellationToken cancellationToken);
}
