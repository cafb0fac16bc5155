using System.Diagnostics;
using k8s.Models;
using LocalKube.Node.ApiServer;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Authorization;
using Microsoft.AspNetCore.Http;

namespace LocalKube.ApiServer.Bench;

/// <summary>
/// RBAC authorization per request, in-process: attributes derived from a request's method, path and query, then
/// the decision over a policy of the bootstrap roles plus 1,000 bindings (500 RoleBindings over 50 namespaces,
/// 500 ClusterRoleBindings). Four request mixes, each timed over batches; reports the median and p99 batch mean.
/// </summary>
internal static class RbacBench
{
    public static void Run(bool quick)
    {
        const int Bindings = 1_000;
        var policy = Build(Bindings, sharedGroup: false);
        var crowded = Build(Bindings, sharedGroup: true);
        var authorizer = new RbacAuthorizer();
        var crowdedAuthorizer = new RbacAuthorizer();
        authorizer.Publish(policy);
        crowdedAuthorizer.Publish(crowded);

        var sa = new KubeUser("system:serviceaccount:ns7:app", ["system:serviceaccounts", "system:serviceaccounts:ns7", "system:authenticated"]);
        var user = new KubeUser("user-123", ["team-3", "system:authenticated"]);
        var stranger = new KubeUser("nobody", ["system:authenticated"]);
        var list = new QueryCollection();
        var watch = new QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["watch"] = "true" });
        var batches = quick ? 50 : 400;
        Console.WriteLine($"RBAC authorization, {Bindings} bindings + bootstrap policy ({batches} batches of 1000 requests)");
        Console.WriteLine("| Request | median µs/request | p99 µs/request |");
        Console.WriteLine("|---|---|---|");
        Measure("SA allowed by a RoleBinding to a Role (get configmap)", batches, () => authorizer.Authorize(RequestAttributes.FromRequest(sa, "GET", "/api/v1/namespaces/ns7/configmaps/web-1", list)).Allowed, true);
        Measure("User allowed by a ClusterRoleBinding (watch deployments)", batches, () => authorizer.Authorize(RequestAttributes.FromRequest(user, "GET", "/apis/apps/v1/namespaces/ns3/deployments", watch)).Allowed, true);
        Measure("Denied, no binding applies (list secrets)", batches, () => authorizer.Authorize(RequestAttributes.FromRequest(stranger, "GET", "/api/v1/namespaces/ns3/secrets", list)).Allowed, false);
        Measure("Denied, 1,000 bindings to 1,000 roles all apply (worst case)", batches, () => crowdedAuthorizer.Authorize(RequestAttributes.FromRequest(stranger, "DELETE", "/api/v1/nodes/n1", list)).Allowed, false);
    }

    private static void Measure(string name, int batches, Func<bool> request, bool expected)
    {
        if (request() != expected)
        {
            throw new InvalidOperationException($"{name}: wrong decision");
        }

        for (var i = 0; i < 20_000; i++)
        {
            request();
        }

        var means = new List<double>(batches);
        for (var b = 0; b < batches; b++)
        {
            var t = Stopwatch.GetTimestamp();
            for (var i = 0; i < 1000; i++)
            {
                request();
            }

            means.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds / 1000);
        }

        means.Sort();
        Console.WriteLine($"| {name} | {means[means.Count / 2]:F2} | {means[(int)(means.Count * 0.99)]:F2} |");
    }

    // 500 RoleBindings (10 per namespace over 50 namespaces: a service account each, view or a Role) and 500
    // ClusterRoleBindings (a user or a group each). sharedGroup instead makes 1,000 ClusterRoleBindings of
    // system:authenticated, each to its own ClusterRole whose rules never match a node delete: every binding's
    // rules are then evaluated.
    private static RbacPolicy Build(int count, bool sharedGroup)
    {
        var clusterRoles = BootstrapPolicy.ClusterRoles().ToList();
        if (sharedGroup)
        {
            var all = Enumerable.Range(0, count).ToList();
            clusterRoles.AddRange(all.Select(i => new V1ClusterRole
            {
                Metadata = new V1ObjectMeta { Name = $"crole-{i}" },
                Rules =
                [
                    new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps", $"things{i}"], Verbs = ["get", "list"] },
                    new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["delete"], ResourceNames = [$"d{i}"] },
                ],
            }));
            return RbacPolicy.Build(clusterRoles, [], [.. BootstrapPolicy.ClusterRoleBindings(), .. all.Select(i => new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = $"crb-{i}" },
                RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = $"crole-{i}" },
                Subjects = [new Rbacv1Subject { Kind = "Group", Name = "system:authenticated" }],
            })], []);
        }

        var view = clusterRoles.First(r => r.Metadata.Name == "system:aggregate-to-view");
        clusterRoles.First(r => r.Metadata.Name == "view").Rules = view.Rules;
        var roles = new List<V1Role>();
        var rbs = new List<V1RoleBinding>();
        var crbs = BootstrapPolicy.ClusterRoleBindings().ToList();
        for (var i = 0; i < count / 2; i++)
        {
            var ns = $"ns{i % 50}";
            roles.Add(new V1Role
            {
                Metadata = new V1ObjectMeta { Name = $"role-{i}", NamespaceProperty = ns },
                Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["configmaps", $"things{i}"], Verbs = ["get", "list"] }],
            });
            var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = i % 50 == 7 && i / 50 == 3 ? "app" : $"sa-{i}", NamespaceProperty = ns };
            rbs.Add(new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = $"rb-{i}", NamespaceProperty = ns },
                RoleRef = i % 2 == 0 ? new V1RoleRef { Kind = "ClusterRole", Name = "view" } : new V1RoleRef { Kind = "Role", Name = $"role-{i}" },
                Subjects = [subject],
            });
            crbs.Add(new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = $"crb-{i}" },
                RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = "view" },
                Subjects = [i % 2 == 0 ? new Rbacv1Subject { Kind = "User", Name = $"user-{i}" } : new Rbacv1Subject { Kind = "Group", Name = $"team-{i}" }],
            });
        }

        return RbacPolicy.Build(clusterRoles, roles, crbs, rbs);
    }
}
