using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// authorization.k8s.io/v1 SelfSubjectRulesReview in discovery: create-only, never stored; answered by
/// <see cref="AuthorizationModule"/>.
/// </summary>
public sealed class SelfSubjectRulesReviewStrategy : ResourceStrategy<V1SelfSubjectRulesReview>
{
    /// <summary>Creates the strategy.</summary>
    public SelfSubjectRulesReviewStrategy()
        : base(Descriptors.Of("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, verbs: Descriptors.CreateOnly), "", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override bool ValidatesMetadata => false;
}
