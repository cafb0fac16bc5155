using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Authorization;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Authorization;

/// <summary>
/// Table-driven RBAC evaluation from upstream semantics: rule matching (verbs, groups, resources and subresources,
/// <c>*/sub</c>, resourceNames, nonResourceURLs and prefixes), request attributes from HTTP requests, binding
/// evaluation (subjects, namespaces, missing roles, masters), escalation coverage, forbidden messages and aggregation.
/// </summary>
[TestFixture]
public sealed class RbacEvaluatorTests
{
    private static readonly KubeUser Jane = new("jane", ["devs", "system:authenticated"]);
    private static readonly KubeUser Sa = new("system:serviceaccount:ns1:builder", ["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"]);

    // Rule: "verbs|groups|resources[|names]" or "verbs|url:/a,/b". Request: "verb group resource[/sub] [name]" or "verb /path".
    private static IEnumerable<TestCaseData> RuleCases() => new (string Rule, string Request, bool Allowed)[]
    {
        ("get|,|pods", "get  pods", true),
        ("get|,|pods", "list  pods", false),
        ("get,list|,|pods", "list  pods", true),
        ("*|,|pods", "deletecollection  pods", true),
        ("*|,|pods", "escalate  pods", true),
        ("get|,|pods", "GET  pods", false),
        ("get|,|Pods", "get  pods", false),
        ("get|apps|deployments", "get apps deployments", true),
        ("get|apps|deployments", "get  deployments", false),
        ("get|apps|deployments", "get extensions deployments", false),
        ("get|*|deployments", "get extensions deployments", true),
        ("get|*|deployments", "get  deployments", true),
        ("get|,apps|deployments", "get  deployments", true),
        ("get|,apps|deployments", "get batch deployments", false),
        ("get|,|*", "get  secrets", true),
        ("get|,|*", "get  pods/log", true),
        ("get|*|*", "get example.com widgets/status", true),
        ("get|,|pods", "get  pods/log", false),
        ("get|,|pods/log", "get  pods/log", true),
        ("get|,|pods/log", "get  pods", false),
        ("get|,|pods/log", "get  pods/exec", false),
        ("get|,|*/log", "get  pods/log", true),
        ("get|,|*/log", "get  nodes/log", true),
        ("get|,|*/log", "get  pods", false),
        ("get|,|*/log", "get  pods/logs", false),
        ("get|,|*/status", "get  pods/status", true),
        ("get|,|pods/*", "get  pods/log", false),
        ("get|,|*/*", "get  pods/log", false),
        ("get|,|pods|a", "get  pods  a", true),
        ("get|,|pods|a", "get  pods  b", false),
        ("get|,|pods|a", "list  pods", false),
        ("get|,|pods|a,b", "get  pods  b", true),
        ("get|,|pods|a", "get  pods/log  a", false),
        ("get|,|pods/log|a", "get  pods/log  a", true),
        ("create|,|pods|a", "create  pods", false),
        ("update|,|pods|a", "update  pods  a", true),
        ("get|,|pods", "get  pods  anything", true),
        ("*|*|*", "get  pods", true),
        ("*|*|*", "get /healthz", false),
        ("get|url:/healthz", "get /healthz", true),
        ("get|url:/healthz", "post /healthz", false),
        ("get|url:/healthz", "get /healthz/ping", false),
        ("get|url:/healthz/*", "get /healthz/ping", true),
        ("get|url:/healthz/*", "get /healthz", false),
        ("get|url:/healthz*", "get /healthzz", true),
        ("get|url:/api/*", "get /api/v1", true),
        ("get|url:/apis/*", "get /apis/apps/v1", true),
        ("get|url:/apis/*", "get /apis", false),
        ("get|url:*", "get /anything/at/all", true),
        ("*|url:/version", "get /version", true),
        ("*|url:/version", "get /version/", false),
        ("get|url:/version,/version/", "get /version/", true),
        ("get|url:/healthz", "get  healthz", false),
        ("get|url:/", "get /", true),
        ("get|url:/", "get /x", false),
    }.Select(c => new TestCaseData(c.Rule, c.Request).Returns(c.Allowed).SetName($"Rule {c.Rule} vs {c.Request.Replace("  ", " _ ", StringComparison.Ordinal)}"));

    [TestCaseSource(nameof(RuleCases))]
    public bool Rule_matching(string rule, string request) => RuleMatching.Allows(Request(Jane, request), Rule(rule));

    private static IEnumerable<TestCaseData> PathCases() => new (string Method, string Path, string Expected)[]
    {
        ("GET", "/api/v1/namespaces/ns1/pods", "list||pods||ns1|"),
        ("GET", "/api/v1/namespaces/ns1/pods?watch=true", "watch||pods||ns1|"),
        ("GET", "/api/v1/namespaces/ns1/pods?watch=1", "watch||pods||ns1|"),
        ("GET", "/api/v1/namespaces/ns1/pods?watch=false", "list||pods||ns1|"),
        ("GET", "/api/v1/namespaces/ns1/pods/p1", "get||pods||ns1|p1"),
        ("HEAD", "/api/v1/namespaces/ns1/pods/p1", "get||pods||ns1|p1"),
        ("GET", "/api/v1/namespaces/ns1/pods/p1/log", "get||pods|log|ns1|p1"),
        ("POST", "/api/v1/namespaces/ns1/pods", "create||pods||ns1|"),
        ("POST", "/api/v1/namespaces/ns1/pods/p1/eviction", "create||pods|eviction|ns1|p1"),
        ("PUT", "/api/v1/namespaces/ns1/pods/p1", "update||pods||ns1|p1"),
        ("PUT", "/api/v1/namespaces/ns1/pods/p1/status", "update||pods|status|ns1|p1"),
        ("PATCH", "/apis/apps/v1/namespaces/ns1/deployments/d/scale", "patch|apps|deployments|scale|ns1|d"),
        ("DELETE", "/api/v1/namespaces/ns1/pods/p1", "delete||pods||ns1|p1"),
        ("DELETE", "/api/v1/namespaces/ns1/pods", "deletecollection||pods||ns1|"),
        ("GET", "/api/v1/pods", "list||pods|||"),
        ("GET", "/api/v1/nodes/n1", "get||nodes|||n1"),
        ("GET", "/api/v1/namespaces", "list||namespaces|||"),
        ("GET", "/api/v1/namespaces/ns1", "get||namespaces||ns1|ns1"),
        ("PUT", "/api/v1/namespaces/ns1/finalize", "update||namespaces|finalize|ns1|ns1"),
        ("PUT", "/api/v1/namespaces/ns1/status", "update||namespaces|status|ns1|ns1"),
        ("DELETE", "/api/v1/namespaces/ns1", "delete||namespaces||ns1|ns1"),
        ("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "get|rbac.authorization.k8s.io|clusterroles|||admin"),
        ("GET", "/api/v1/watch/namespaces/ns1/pods", "watch||pods||ns1|"),
        ("GET", "/api/v1/watch/namespaces/ns1/pods/p1", "watch||pods||ns1|p1"),
        ("GET", "/api/v1/namespaces/ns1/configmaps?fieldSelector=metadata.name%3Dcm1", "list||configmaps||ns1|cm1"),
        ("GET", "/api/v1/namespaces/ns1/configmaps?watch=true&fieldSelector=metadata.name%3Dcm1", "watch||configmaps||ns1|cm1"),
        ("POST", "/api/v1/namespaces/ns1/serviceaccounts/default/token", "create||serviceaccounts|token|ns1|default"),
    }.Select(c => new TestCaseData(c.Method, c.Path).Returns(c.Expected).SetName($"Attributes {c.Method} {c.Path}"));

    [TestCaseSource(nameof(PathCases))]
    public string Resource_attributes_from_requests(string method, string pathAndQuery)
    {
        var q = pathAndQuery.Split('?', 2);
        var query = new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(q.Length > 1 ? q[1] : ""));
        var a = RequestAttributes.FromRequest(Jane, method, q[0], query);
        Assert.That(a.IsResourceRequest, Is.True);
        return $"{a.Verb}|{a.ApiGroup}|{a.Resource}|{a.Subresource}|{a.Namespace}|{a.Name}";
    }

    [TestCase("GET", "/api", "get")]
    [TestCase("GET", "/apis", "get")]
    [TestCase("GET", "/api/v1", "get")]
    [TestCase("GET", "/apis/apps", "get")]
    [TestCase("GET", "/apis/apps/v1", "get")]
    [TestCase("POST", "/metrics", "post")]
    [TestCase("GET", "/openapi/v3", "get")]
    [TestCase("DELETE", "/logs/x", "delete")]
    public void Non_resource_attributes_from_requests(string method, string path, string verb)
    {
        var a = RequestAttributes.FromRequest(Jane, method, path, QueryCollection.Empty);
        Assert.That((a.IsResourceRequest, a.Verb, a.Path), Is.EqualTo((false, verb, path)));
    }

    // Bindings: "crb:role:Subject=name" (cluster) or "rb:ns:Role|ClusterRole:role:Subject=name[/ns]".
    private static IEnumerable<TestCaseData> BindingCases() => new (string Bindings, string User, string Request, bool Allowed)[]
    {
        ("crb:pod-reader:User=jane", "jane", "get  pods ns1", true),
        ("crb:pod-reader:User=jane", "jane", "get  pods", true),
        ("crb:pod-reader:User=bob", "jane", "get  pods ns1", false),
        ("crb:pod-reader:Group=devs", "jane", "get  pods ns1", true),
        ("crb:pod-reader:Group=ops", "jane", "get  pods ns1", false),
        ("crb:pod-reader:Group=system:authenticated", "jane", "list  pods ns1", true),
        ("crb:pod-reader:User=Jane", "jane", "get  pods ns1", false),
        ("rb:ns1:ClusterRole:pod-reader:User=jane", "jane", "get  pods ns1", true),
        ("rb:ns1:ClusterRole:pod-reader:User=jane", "jane", "get  pods ns2", false),
        ("rb:ns1:ClusterRole:pod-reader:User=jane", "jane", "list  pods", false),
        ("rb:ns1:Role:ns-reader:User=jane", "jane", "get  pods ns1", true),
        ("rb:ns2:Role:ns-reader:User=jane", "jane", "get  pods ns2", false),
        ("rb:ns1:Role:ns-reader:Group=devs", "jane", "get  configmaps ns1", true),
        ("rb:ns1:ClusterRole:pod-reader:ServiceAccount=builder", "sa", "get  pods ns1", true),
        ("rb:ns2:ClusterRole:pod-reader:ServiceAccount=builder", "sa", "get  pods ns2", false),
        ("rb:ns2:ClusterRole:pod-reader:ServiceAccount=builder/ns1", "sa", "get  pods ns2", true),
        ("crb:pod-reader:ServiceAccount=builder/ns1", "sa", "get  pods ns5", true),
        ("crb:pod-reader:ServiceAccount=builder", "sa", "get  pods ns1", false),
        ("crb:pod-reader:ServiceAccount=other/ns1", "sa", "get  pods ns1", false),
        ("crb:pod-reader:User=system:serviceaccount:ns1:builder", "sa", "get  pods ns1", true),
        ("crb:pod-reader:Group=system:serviceaccounts:ns1", "sa", "get  pods ns1", true),
        ("crb:pod-reader:Group=system:serviceaccounts", "sa", "watch  pods", true),
        ("", "sa", "get  pods ns1", false),
        ("", "jane", "get /healthz", false),
        ("crb:urls:Group=system:authenticated", "jane", "get /healthz", true),
        ("rb:ns1:ClusterRole:urls:User=jane", "jane", "get /healthz", false),
        ("crb:missing:User=jane", "jane", "get  pods ns1", false),
        ("crb:missing:User=jane;crb:pod-reader:User=jane", "jane", "get  pods ns1", true),
        ("rb:ns1:Role:missing:User=jane;rb:ns1:ClusterRole:pod-reader:User=jane", "jane", "get  pods ns1", true),
        ("crb:pod-reader:User=bob,Group=devs", "jane", "get  pods ns1", true),
        ("rb:ns1:ClusterRole:pod-reader:User=jane", "jane", "get  namespaces ns1 ns1", false),
        ("rb:ns1:ClusterRole:ns-getter:User=jane", "jane", "get  namespaces ns1 ns1", true),
        ("crb:pod-reader:User=jane", "jane", "delete  pods ns1 p", false),
    }.Select(c => new TestCaseData(c.Bindings, c.User, c.Request).Returns(c.Allowed).SetName($"Binding [{c.Bindings}] {c.User}: {c.Request.Replace("  ", " core ", StringComparison.Ordinal)}"));

    [TestCaseSource(nameof(BindingCases))]
    public bool Binding_evaluation(string bindings, string user, string request)
    {
        var who = user == "sa" ? Sa : Jane;
        return Policy(bindings).Authorize(Request(who, request)).Allowed;
    }

    [Test]
    public void Masters_bypass_rbac_and_others_do_not()
    {
        var authorizer = new RbacAuthorizer();
        authorizer.Publish(RbacPolicy.Empty);
        var root = new KubeUser("root", ["system:masters"]);
        Assert.Multiple(() =>
        {
            Assert.That(authorizer.Authorize(Request(root, "delete  nodes  n1")).Allowed, Is.True);
            Assert.That(authorizer.Authorize(Request(root, "get /anything")).Allowed, Is.True);
            Assert.That(authorizer.Authorize(Request(Jane, "get  pods ns1")).Allowed, Is.False);
            Assert.That(authorizer.Synced.IsCompleted, Is.True);
        });
    }

    [Test]
    public void Reasons_name_the_allowing_binding_and_the_missing_roles()
    {
        var allowed = Policy("rb:ns1:ClusterRole:pod-reader:User=bob,ServiceAccount=builder").Authorize(Request(Sa, "get  pods ns1"));
        Assert.That(allowed.Reason, Is.EqualTo("RBAC: allowed by RoleBinding \"b0/ns1\" of ClusterRole \"pod-reader\" to ServiceAccount \"builder/ns1\""));
        var cluster = Policy("crb:pod-reader:Group=devs").Authorize(Request(Jane, "get  pods ns1"));
        Assert.That(cluster.Reason, Is.EqualTo("RBAC: allowed by ClusterRoleBinding \"b0\" of ClusterRole \"pod-reader\" to Group \"devs\""));
        var one = Policy("crb:gone:User=jane").Authorize(Request(Jane, "get  pods ns1"));
        Assert.That(one.Reason, Is.EqualTo("RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found"));
        var two = Policy("crb:gone:User=jane;rb:ns1:Role:lost:Group=devs").Authorize(Request(Jane, "get  pods ns1"));
        Assert.That(two.Reason, Is.EqualTo("RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found, role.rbac.authorization.k8s.io \"lost\" not found]"));
        Assert.That(Policy("").Authorize(Request(Jane, "get  pods ns1")).Reason, Is.Empty);
    }

    private static IEnumerable<TestCaseData> ForbiddenCases() => new (string Request, string Message)[]
    {
        ("list  pods ns1", "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"ns1\""),
        ("get  pods ns1 p1", "pods \"p1\" is forbidden: User \"jane\" cannot get resource \"pods\" in API group \"\" in the namespace \"ns1\""),
        ("get  pods/log ns1 p1", "pods \"p1\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"ns1\""),
        ("list  nodes", "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"),
        ("delete apps deployments ns1 web", "deployments.apps \"web\" is forbidden: User \"jane\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"ns1\""),
        ("create rbac.authorization.k8s.io clusterroles", "clusterroles.rbac.authorization.k8s.io is forbidden: User \"jane\" cannot create resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope"),
        ("get /metrics", "forbidden: User \"jane\" cannot get path \"/metrics\""),
        ("post /apis", "forbidden: User \"jane\" cannot post path \"/apis\""),
    }.Select(c => new TestCaseData(c.Request).Returns(c.Message).SetName($"Forbidden {c.Request.Replace("  ", " core ", StringComparison.Ordinal)}"));

    [TestCaseSource(nameof(ForbiddenCases))]
    public string Forbidden_messages(string request)
    {
        var e = RbacAuthorizer.Forbidden(Request(Jane, request), "");
        Assert.That((e.Code, e.Reason), Is.EqualTo((403, "Forbidden")));
        return e.Message;
    }

    // Owner rules ";"-separated, requested rule; the compacted missing rules, "\n"-joined ("" = covered).
    private static IEnumerable<TestCaseData> CoverageCases() => new (string Owned, string Requested, string Missing)[]
    {
        ("get|,|pods", "get|,|pods", ""),
        ("get,list|,|pods", "get|,|pods", ""),
        ("get|,|pods", "get,list|,|pods", "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"list\"]}"),
        ("*|*|*", "get,delete|apps,|deployments,pods", ""),
        ("*|*|*", "get|url:/healthz", "{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}"),
        ("get|url:*", "get|url:/healthz", ""),
        ("get|url:/healthz/*", "get|url:/healthz/ping", ""),
        ("get|url:/healthz", "get|url:/healthz/ping", "{NonResourceURLs:[\"/healthz/ping\"], Verbs:[\"get\"]}"),
        ("get|,|pods|a", "get|,|pods", "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}"),
        ("get|,|pods", "get|,|pods|a", ""),
        ("get|,|pods|a,b", "get|,|pods|a", ""),
        ("get|,|pods|a", "get|,|pods|b", "{APIGroups:[\"\"], Resources:[\"pods\"], ResourceNames:[\"b\"], Verbs:[\"get\"]}"),
        ("get|,|*/log", "get|,|pods/log", ""),
        ("get|,|pods", "get|,|pods/log", "{APIGroups:[\"\"], Resources:[\"pods/log\"], Verbs:[\"get\"]}"),
        ("get|apps|deployments", "get|extensions|deployments", "{APIGroups:[\"extensions\"], Resources:[\"deployments\"], Verbs:[\"get\"]}"),
        ("get|*|deployments", "get|extensions|deployments", ""),
        ("*|,|pods", "escalate,bind|,|pods", ""),
        ("get|,|pods;list|,|pods", "get,list|,|pods", ""),
        ("", "get,list|,|pods,secrets", "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\" \"list\"]}\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}"),
    }.Select(c => new TestCaseData(c.Owned, c.Requested).Returns(c.Missing).SetName($"Covers [{c.Owned}] ⊇ {c.Requested}"));

    [TestCaseSource(nameof(CoverageCases))]
    public string Escalation_coverage(string owned, string requested)
    {
        var owner = owned.Length == 0 ? [] : owned.Split(';').Select(Rule).ToList();
        var missing = RuleCoverage.Missing(owner, [Rule(requested)]);
        if (missing.Count == 0)
        {
            return "";
        }

        var message = RuleCoverage.EscalationMessage(Jane, missing);
        const string head = "user \"jane\" (groups=[\"devs\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n";
        Assert.That(message, Does.StartWith(head));
        return message[head.Length..];
    }

    [Test]
    public void Aggregation_unions_selected_roles_by_name_without_duplicates()
    {
        var view = new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "view" },
            AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["agg"] = "view" } }] },
        };
        V1ClusterRole Labelled(string name, string? label, params string[] rules) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = label is null ? null : new Dictionary<string, string> { ["agg"] = label } },
            Rules = rules.Select(Rule).ToList(),
        };
        var all = new[] { view, Labelled("b", "view", "get|,|pods", "get|,|secrets"), Labelled("a", "view", "get|,|pods", "list|,|nodes"), Labelled("c", "edit", "*|*|*"), Labelled("d", null, "*|*|*") };
        var rules = LocalKube.Node.Controllers.ClusterRoleAggregation.ClusterRoleAggregationController.Aggregate(view, all);
        Assert.That(rules.Select(RuleCoverage.CompactString), Is.EqualTo(new[]
        {
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}",
            "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"list\"]}",
            "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}",
        }));
    }

    [TestCase("In", "a,b", "a", true)]
    [TestCase("In", "a,b", "c", false)]
    [TestCase("NotIn", "a,b", "c", true)]
    [TestCase("NotIn", "a,b", null, true)]
    [TestCase("Exists", "", "x", true)]
    [TestCase("Exists", "", null, false)]
    [TestCase("DoesNotExist", "", null, true)]
    [TestCase("DoesNotExist", "", "x", false)]
    public void Aggregation_selectors_support_expressions(string op, string values, string? label, bool matches)
    {
        var selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "k", OperatorProperty = op, Values = values.Length == 0 ? null : values.Split(',') }] };
        var labels = label is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["k"] = label };
        Assert.That(LocalKube.Node.Machinery.Labels.LabelSelector.FromLabelSelector(selector).Matches(labels), Is.EqualTo(matches));
    }

    [Test]
    public void Bootstrap_policy_grants_discovery_and_self_reviews_to_everyone_and_nothing_else()
    {
        var policy = RbacPolicy.Build(BootstrapPolicy.ClusterRoles(), [], BootstrapPolicy.ClusterRoleBindings(), []);
        Assert.Multiple(() =>
        {
            Assert.That(policy.Authorize(Request(Sa, "get /apis/apps/v1")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(Sa, "get /version")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(Sa, "create authorization.k8s.io selfsubjectaccessreviews")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(Sa, "create authentication.k8s.io selfsubjectreviews")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(Sa, "get /metrics")).Allowed, Is.False);
            Assert.That(policy.Authorize(Request(Sa, "list  pods ns1")).Allowed, Is.False);
            Assert.That(policy.Authorize(Request(new KubeUser("system:kube-scheduler", ["system:authenticated"]), "create  pods/binding ns1 p")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(new KubeUser("system:kube-scheduler", ["system:authenticated"]), "get coordination.k8s.io leases kube-system kube-scheduler")).Allowed, Is.True);
            Assert.That(policy.Authorize(Request(new KubeUser("system:kube-scheduler", ["system:authenticated"]), "get coordination.k8s.io leases kube-system other")).Allowed, Is.False);
            Assert.That(policy.Authorize(Request(new KubeUser("admin", ["system:masters"]), "delete  nodes  n1")).Allowed, Is.True);
        });
    }

    // "verb group resource[/sub] [ns] [name]" ("" group written as two spaces) or "verb /path".
    private static RequestAttributes Request(KubeUser user, string spec)
    {
        var p = spec.Split(' ');
        if (p[1].StartsWith('/'))
        {
            return RequestAttributes.ForPath(user, p[0], p[1]);
        }

        var resource = p[2].Split('/');
        return RequestAttributes.ForResource(user, p[0], p[1], resource[0], p.Length > 3 ? p[3] : "", p.Length > 4 ? p[4] : "", resource.Length > 1 ? resource[1] : "");
    }

    private static V1PolicyRule Rule(string spec)
    {
        var p = spec.Split('|');
        if (p[1].StartsWith("url:", StringComparison.Ordinal))
        {
            return new V1PolicyRule { Verbs = p[0].Split(','), NonResourceURLs = p[1][4..].Split(',') };
        }

        return new V1PolicyRule
        {
            Verbs = p[0].Split(','),
            ApiGroups = p[1] == "," ? [""] : p[1].Split(','),
            Resources = p[2].Split(','),
            ResourceNames = p.Length > 3 ? p[3].Split(',') : null,
        };
    }

    // Roles: pod-reader (get/list/watch pods), urls (get /healthz), ns-getter (get namespaces), ns1/ns-reader (get pods, configmaps).
    private static RbacPolicy Policy(string bindings)
    {
        var clusterRoles = new[]
        {
            new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "pod-reader" }, Rules = [Rule("get,list,watch|,|pods")] },
            new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "urls" }, Rules = [Rule("get|url:/healthz")] },
            new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "ns-getter" }, Rules = [Rule("get|,|namespaces")] },
        };
        var roles = new[] { new V1Role { Metadata = new V1ObjectMeta { Name = "ns-reader", NamespaceProperty = "ns1" }, Rules = [Rule("get|,|pods,configmaps")] } };
        var crbs = new List<V1ClusterRoleBinding>();
        var rbs = new List<V1RoleBinding>();
        var i = 0;
        foreach (var b in bindings.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = b.Split(':', 2);
            if (p[0] == "crb")
            {
                var (role, subjects) = Split(p[1]);
                crbs.Add(new V1ClusterRoleBinding { Metadata = new V1ObjectMeta { Name = $"b{i++}" }, RoleRef = new V1RoleRef { Kind = "ClusterRole", Name = role }, Subjects = subjects });
            }
            else
            {
                var q = p[1].Split(':', 3);
                var (role, subjects) = Split(q[2]);
                rbs.Add(new V1RoleBinding { Metadata = new V1ObjectMeta { Name = $"b{i++}", NamespaceProperty = q[0] }, RoleRef = new V1RoleRef { Kind = q[1], Name = role }, Subjects = subjects });
            }
        }

        return RbacPolicy.Build(clusterRoles, roles, crbs, rbs);

        // "role:Kind=name[/ns],Kind=name" (the role name is up to the first ':' before a Kind=)
        static (string Role, List<Rbacv1Subject> Subjects) Split(string s)
        {
            var at = s.IndexOf(':', StringComparison.Ordinal);
            var subjects = s[(at + 1)..].Split(',').Select(x =>
            {
                var kv = x.Split('=', 2);
                var name = kv[1].Split('/');
                return new Rbacv1Subject { Kind = kv[0], Name = kv[0] == "ServiceAccount" ? name[0] : kv[1], NamespaceProperty = kv[0] == "ServiceAccount" && name.Length > 1 ? name[1] : null };
            }).ToList();
            return (s[..at], subjects);
        }
    }
}
