using k8s;
using k8s.Authentication;
using LocalKube.Abstractions.Node;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// Hands each node component a KubernetesClient that speaks to this node's API server over HTTPS as that
/// component: the CA pinned, the component's own client certificate, and a User-Agent naming it (the API server
/// records it as the field manager of its writes).
/// </summary>
public interface IKubeClientFactory
{
    /// <summary>Where the clients connect.</summary>
    ApiServerEndpoint Endpoint { get; }

    /// <summary>The client of <paramref name="identity"/>, created once and shared.</summary>
    /// <exception cref="ComponentCredentialsException">Its certificate is missing or invalid: refuse the component.</exception>
    Kubernetes ClientFor(ComponentIdentity identity);

    /// <summary>
    /// A client that authenticates with bearer tokens from <paramref name="tokens"/> (a service account), still
    /// pinning the CA. <paramref name="userAgent"/> is the User-Agent product (the field manager).
    /// </summary>
    Kubernetes ClientForTokens(string userAgent, ITokenProvider tokens, string? userAgentComment = null);
}
