using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Authentication;

/// <summary>
/// authentication.k8s.io/v1 SelfSubjectReview: create-only and never stored (empty storage prefix); the answer is
/// the caller's identity, built by <see cref="Respond"/>.
/// </summary>
public sealed class SelfSubjectReviewStrategy : ResourceStrategy<V1SelfSubjectReview>
{
    /// <summary>Creates the strategy.</summary>
    public SelfSubjectReviewStrategy()
        : base(Descriptors.Of("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, verbs: Descriptors.CreateOnly), "", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override bool ValidatesMetadata => false;

    /// <summary>The review answered for <paramref name="user"/>.</summary>
    public static V1SelfSubjectReview Respond(V1SelfSubjectReview review, KubeUser user) => new()
    {
        ApiVersion = "authentication.k8s.io/v1",
        Kind = "SelfSubjectReview",
        Metadata = review.Metadata ?? new V1ObjectMeta(),
        Status = new V1SelfSubjectReviewStatus { UserInfo = UserInfo(user) },
    };

    /// <summary>A <c>UserInfo</c> for <paramref name="user"/>.</summary>
    public static V1UserInfo UserInfo(KubeUser user) => new()
    {
        Username = user.Name,
        Groups = user.Groups.ToList(),
        Uid = user.Uid,
        Extra = user.Extra?.ToDictionary(kv => kv.Key, kv => (IList<string>)kv.Value.ToList()),
    };
}

/// <summary>authentication.k8s.io/v1 TokenReview: create-only, never stored; the token must be given.</summary>
public sealed class TokenReviewStrategy : ResourceStrategy<V1TokenReview>
{
    /// <summary>Creates the strategy.</summary>
    public TokenReviewStrategy()
        : base(Descriptors.Of("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, verbs: Descriptors.CreateOnly), "", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override bool ValidatesMetadata => false;

    /// <summary>The review answered with the authenticator's verdict (<paramref name="user"/> null: not authenticated).</summary>
    public static V1TokenReview Respond(V1TokenReview review, KubeUser? user, string? error = null) => new()
    {
        ApiVersion = "authentication.k8s.io/v1",
        Kind = "TokenReview",
        Metadata = review.Metadata ?? new V1ObjectMeta(),
        Spec = review.Spec,
        Status = user is null
            ? new V1TokenReviewStatus { Authenticated = false, Error = error, User = new V1UserInfo() }
            : new V1TokenReviewStatus { Authenticated = true, User = SelfSubjectReviewStrategy.UserInfo(user), Audiences = review.Spec?.Audiences },
    };

    /// <inheritdoc />
    protected override void Validate(V1TokenReview obj, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(obj.Spec?.Token))
        {
            errors.Required(FieldPath.Root("spec", "token"));
        }
    }
}

/// <summary>
/// authorization.k8s.io/v1 SelfSubjectAccessReview: create-only, never stored. On the wire the review is answered
/// by <c>Authorization.AuthorizationModule</c> against RBAC; <see cref="Respond"/> is the masters-only fallback.
/// </summary>
public sealed class SelfSubjectAccessReviewStrategy : ResourceStrategy<V1SelfSubjectAccessReview>
{
    /// <summary>Creates the strategy.</summary>
    public SelfSubjectAccessReviewStrategy()
        : base(Descriptors.Of("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, verbs: Descriptors.CreateOnly), "", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override bool ValidatesMetadata => false;

    /// <summary>The review answered for <paramref name="user"/>.</summary>
    public static V1SelfSubjectAccessReview Respond(V1SelfSubjectAccessReview review, KubeUser user)
    {
        var allowed = user.Groups.Contains(KubeUser.MastersGroup);
        return new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Metadata = review.Metadata ?? new V1ObjectMeta(),
            Spec = review.Spec,
            Status = new V1SubjectAccessReviewStatus { Allowed = allowed, Reason = allowed ? "" : "no RBAC policy matched" },
        };
    }

    /// <inheritdoc />
    protected override void Validate(V1SelfSubjectAccessReview obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1SelfSubjectAccessReviewSpec();
        var path = FieldPath.Root("spec");
        if (spec.ResourceAttributes is not null && spec.NonResourceAttributes is not null)
        {
            errors.Invalid(path.Child("nonResourceAttributes"), new GoValue.Verbatim("&authorization.NonResourceAttributes{...}"), "cannot be specified in combination with resourceAttributes");
        }
        else if (spec.ResourceAttributes is null && spec.NonResourceAttributes is null)
        {
            errors.Invalid(path.Child("resourceAttributes"), null, "exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }
    }
}
