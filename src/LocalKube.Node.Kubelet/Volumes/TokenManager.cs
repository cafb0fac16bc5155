using System.Collections.Concurrent;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>
/// Bound service account tokens for projected volumes (<c>k8s: pkg/kubelet/token/token_manager.go</c>): requested
/// through the TokenRequest API bound to the pod, cached, and requested again at 80 % of their lifetime or after 24 h.
/// </summary>
internal sealed class TokenManager(IKubeletApi api, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Authenticationv1TokenRequest> _cache = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="serviceAccount"/> bound to <paramref name="pod"/>.</summary>
    public async Task<string> GetTokenAsync(V1Pod pod, string serviceAccount, string? audience, long expirationSeconds, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var key = $"{ns}/{serviceAccount}/{pod.Metadata.Uid}/{audience}/{expirationSeconds}";
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && !RequiresRefresh(cached, now))
        {
            return cached.Status.Token;
        }

        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec
            {
                Audiences = string.IsNullOrEmpty(audience) ? [] : [audience],
                ExpirationSeconds = expirationSeconds,
                BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
            },
        };
        var issued = await api.CreateTokenAsync(ns, serviceAccount, request, cancellationToken).ConfigureAwait(false);
        issued.Metadata ??= new V1ObjectMeta();
        issued.Metadata.CreationTimestamp ??= now.UtcDateTime;
        _cache[key] = issued;
        return issued.Status.Token;
    }

    /// <summary>Forgets the tokens of a removed pod.</summary>
    public void Forget(string podUid)
    {
        foreach (var key in _cache.Keys.Where(k => k.Contains($"/{podUid}/", StringComparison.Ordinal)))
        {
            _cache.TryRemove(key, out _);
        }
    }

    private static bool RequiresRefresh(Authenticationv1TokenRequest token, DateTimeOffset now)
    {
        if (token.Status?.ExpirationTimestamp is not { } expires)
        {
            return true;
        }

        var issued = token.Metadata?.CreationTimestamp ?? now.UtcDateTime;
        var ttl = expires - issued;
        var age = now.UtcDateTime - issued;
        return age > TimeSpan.FromTicks((long)(ttl.Ticks * 0.8)) || age > TimeSpan.FromHours(24);
    }
}
