using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// <see cref="IKubeletAccessReviewer"/> through the API server, as the kubelet's own identity: TokenReviews cached 2
/// minutes, SubjectAccessReviews cached 5 minutes when allowed and 30 seconds when denied (upstream's defaults).
/// </summary>
internal sealed class ApiAccessReviewer(IKubernetes client, TimeProvider time) : IKubeletAccessReviewer
{
    private static readonly TimeSpan TokenTtl = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan AllowedTtl = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan DeniedTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, KubeletCaller? Caller)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, bool Allowed)> _decisions = new(StringComparer.Ordinal);

    public async Task<KubeletCaller?> AuthenticateTokenAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(token, out var cached) && cached.Until > now)
        {
            return cached.Caller;
        }

        var review = await client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var caller = review.Status?.Authenticated == true && review.Status.User is { } user
            ? new KubeletCaller(user.Username ?? "", [.. user.Groups ?? []], user.Uid)
            : null;
        _tokens[token] = (now + TokenTtl, caller);
        return caller;
    }

    public async Task<bool> AuthorizeAsync(KubeletCaller caller, string verb, string subresource, string nodeName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var key = $"{caller.Name}\n{string.Join(',', caller.Groups)}\n{verb}\n{subresource}\n{nodeName}";
        var now = time.GetUtcNow();
        if (_decisions.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Allowed;
        }

        var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = caller.Name,
                Groups = [.. caller.Groups],
                Uid = caller.Uid,
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = verb,
                    Version = "v1",
                    Resource = "nodes",
                    Subresource = subresource,
                    Name = nodeName,
                },
            },
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var allowed = review.Status?.Allowed == true;
        _decisions[key] = (now + (allowed ? AllowedTtl : DeniedTtl), allowed);
        return allowed;
    }
}
