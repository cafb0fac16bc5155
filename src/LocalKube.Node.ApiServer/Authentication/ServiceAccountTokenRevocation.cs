using System.Text.Json;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// The storage half of service-account token validation, as upstream's validator does it after the signature and
/// time checks: the service account must still exist with the uid the token names (so deleting it, or deleting and
/// re-creating one of the same name, revokes its tokens), and so must the pod or secret the token is bound to.
/// Something deleted (a deletionTimestamp older than the leeway) counts as gone. Answers with upstream's messages.
/// </summary>
public sealed class ServiceAccountTokenRevocation(ResourceStore store, TimeProvider time)
{
    /// <summary>Null when the token's objects are all there; otherwise why the token no longer authenticates.</summary>
    public async Task<string?> CheckAsync(ServiceAccountTokenClaims claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var deletedBefore = time.GetUtcNow() - ServiceAccountTokenValidator.Leeway;
        var account = await ReadAsync("ServiceAccount", claims.Namespace, claims.Name, cancellationToken);
        if (account is null)
        {
            return $"serviceaccounts \"{claims.Name}\" not found";
        }

        if (account.Value.DeletedAt < deletedBefore)
        {
            return $"service account {claims.Namespace}/{claims.Name} has been deleted";
        }

        if (account.Value.Uid != claims.Uid)
        {
            return $"service account UID ({account.Value.Uid}) does not match claim ({claims.Uid})";
        }

        if (claims.Bound is not { Kind: "Pod" or "Secret" } bound)
        {
            return null;
        }

        var target = await ReadAsync(bound.Kind, claims.Namespace, bound.Name, cancellationToken);
        if (target is null || target.Value.DeletedAt < deletedBefore)
        {
            return "service account token has been invalidated";
        }

        return target.Value.Uid == bound.Uid ? null
            : bound.Kind == "Pod" ? $"pod UID ({target.Value.Uid}) does not match service account pod ref claim ({bound.Uid})"
            : $"secret UID ({target.Value.Uid}) does not match service account secret ref claim ({bound.Uid})";
    }

    // Only the uid and deletion time are needed: read them from the stored JSON without decoding the object.
    private async Task<(string Uid, DateTimeOffset? DeletedAt)?> ReadAsync(string kind, string ns, string name, CancellationToken cancellationToken)
    {
        if (store.Resources.FindKind("", kind) is not { } resource || await store.TryGetAsync(resource, ns, name, cancellationToken) is not { } stored)
        {
            return null;
        }

        using var json = JsonDocument.Parse(stored.Raw);
        var meta = json.RootElement.GetProperty("metadata");
        var uid = meta.TryGetProperty("uid", out var u) ? u.GetString() ?? "" : "";
        DateTimeOffset? deleted = meta.TryGetProperty("deletionTimestamp", out var d) && d.ValueKind == JsonValueKind.String ? d.GetDateTimeOffset() : null;
        return (uid, deleted);
    }
}
