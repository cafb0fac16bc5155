using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>Registration of RBAC enforcement.</summary>
public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the authorizer chain (node authorizer and its graph, then RBAC), RBAC's policy cache and the default policy (component <c>apiserver-rbac</c>), escalation
    /// checks, and the review and token endpoints. (Aggregation and service accounts are controllers: Node.Controllers.)
    /// </summary>
    public static IServiceCollection AddLocalKubeAuthorization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<NodeGraph>();
        services.TryAddSingleton<NodeAuthorizer>();
        services.TryAddSingleton<NodeGraphPopulator>();
        services.TryAddSingleton<RbacAuthorizer>();
        services.TryAddSingleton<RbacPolicyCache>();
        services.TryAddSingleton<BootstrapPolicyReconciler>();
        services.AddAdmissionHook<RbacEscalationCheck>();
        services.AddApiServerModule<AuthorizationModule>();
        services.AddResourceStrategy<SelfSubjectRulesReviewStrategy>();
        services.AddNodeComponent<RbacService>(RbacService.Id);
        return services;
    }
}
