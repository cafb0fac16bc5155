using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Authentication;
using LocalKube.Node.ApiServer.Catalog.Autoscaling;
using LocalKube.Node.ApiServer.Catalog.Coordination;
using LocalKube.Node.ApiServer.Catalog.EndpointSlices;
using LocalKube.Node.ApiServer.Catalog.Networking;
using LocalKube.Node.ApiServer.Catalog.Policy;
using LocalKube.Node.ApiServer.Catalog.Rbac;
using LocalKube.Node.ApiServer.Catalog.Scheduling;
using LocalKube.Node.ApiServer.Catalog.Storage;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class OtherGroupsTests
{
    [Test]
    public void Hpa_v2_defaults_targets_and_bounds()
    {
        var s = new HorizontalPodAutoscalerV2Strategy();
        var hpa = new V2HorizontalPodAutoscaler
        {
            Metadata = Meta("web"),
            Spec = new V2HorizontalPodAutoscalerSpec { ScaleTargetRef = new V2CrossVersionObjectReference { Kind = "Deployment", Name = "web", ApiVersion = "apps/v1" }, MaxReplicas = 5 },
        };
        Assert.That(CreateErrors(s, hpa), Is.Empty);
        Assert.That(hpa.Spec.MinReplicas, Is.EqualTo(1));
        Assert.That(s.Cells(hpa, Now), Is.EqualTo(new object?[] { "web", "Deployment/web", "cpu: <unknown>/80%", "1", 5L, 0L, "5m" }));
        hpa.Spec.Behavior = new V2HorizontalPodAutoscalerBehavior();
        s.Default(hpa);
        Assert.That(hpa.Spec.Behavior.ScaleUp.Policies.Select(p => $"{p.Type}:{p.Value}/{p.PeriodSeconds}"), Is.EqualTo(new[] { "Pods:4/15", "Percent:100/15" }));
        hpa.Spec.MinReplicas = 6;
        Assert.That(CreateErrors(s, hpa), Does.Contain("spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas` (FieldValueInvalid)"));
    }

    [Test]
    public void Hpa_v1_targets()
    {
        var s = new HorizontalPodAutoscalerV1Strategy();
        var hpa = new V1HorizontalPodAutoscaler
        {
            Metadata = Meta("web"),
            Spec = new V1HorizontalPodAutoscalerSpec { ScaleTargetRef = new V1CrossVersionObjectReference { Kind = "Deployment", Name = "web" }, MaxReplicas = 3, TargetCPUUtilizationPercentage = 50 },
            Status = new V1HorizontalPodAutoscalerStatus { CurrentCPUUtilizationPercentage = 20, CurrentReplicas = 2 },
        };
        Assert.That(CreateErrors(s, hpa), Is.Empty);
        Assert.That(s.Cells(hpa, Now), Is.EqualTo(new object?[] { "web", "Deployment/web", "cpu: 20%/50%", "1", 3L, 2L, "5m" }));
    }

    [Test]
    public void Endpoint_slices()
    {
        var s = new EndpointSliceStrategy();
        var slice = new V1EndpointSlice
        {
            Metadata = Meta("web-abc"),
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = ["10.0.0.1"] }, new V1Endpoint { Addresses = ["10.0.0.2"] }],
            Ports = [new Discoveryv1EndpointPort { Port = 80, Name = "http" }],
        };
        Assert.That(CreateErrors(s, slice), Is.Empty);
        Assert.That(slice.Ports[0].Protocol, Is.EqualTo("TCP"));
        Assert.That(s.Cells(slice, Now), Is.EqualTo(new object?[] { "web-abc", "IPv4", "80", "10.0.0.1,10.0.0.2", "5m" }));
        var moved = Clone(slice);
        moved.Endpoints[0].Addresses[0] = "10.0.0.3";
        Assert.That(s.SpecChanged(slice, moved), Is.True);
        moved.AddressType = "IPv6";
        Assert.That(UpdateErrors(s, moved, slice), Does.Contain("addressType: Invalid value: \"IPv6\": field is immutable (FieldValueInvalid)"));
    }

    [Test]
    public void Leases()
    {
        var s = new LeaseStrategy();
        var lease = new V1Lease { Metadata = Meta("node-1", "kube-node-lease"), Spec = new V1LeaseSpec { HolderIdentity = "node-1", LeaseDurationSeconds = 40 } };
        Assert.That(CreateErrors(s, lease), Is.Empty);
        Assert.That(s.Cells(lease, Now), Is.EqualTo(new object?[] { "node-1", "node-1", "5m" }));
        lease.Spec.LeaseDurationSeconds = 0;
        Assert.That(CreateErrors(s, lease), Is.EqualTo(new[] { "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0 (FieldValueInvalid)" }));
    }

    [Test]
    public void Ingresses()
    {
        var s = new IngressStrategy();
        var ing = new V1Ingress
        {
            Metadata = Meta("web"),
            Spec = new V1IngressSpec
            {
                IngressClassName = "nginx",
                Rules = [new V1IngressRule
                {
                    Host = "web.example.com",
                    Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "web", Port = new V1ServiceBackendPort { Number = 80 } } } }] },
                }],
                Tls = [new V1IngressTLS { Hosts = ["web.example.com"], SecretName = "tls" }],
            },
        };
        Assert.That(CreateErrors(s, ing), Is.Empty);
        Assert.That(s.Cells(ing, Now), Is.EqualTo(new object?[] { "web", "nginx", "web.example.com", "", "80, 443", "5m" }));
        var bad = Clone(ing);
        bad.Spec.Rules[0].Http.Paths[0].PathType = null;
        bad.Spec.Rules[0].Http.Paths[0].Backend.Service.Port = new V1ServiceBackendPort();
        Assert.That(CreateErrors(s, bad), Is.SupersetOf(new[]
        {
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified (FieldValueRequired)",
            "spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required (FieldValueRequired)",
        }));
    }

    [Test]
    public void Ingress_classes()
    {
        var s = new IngressClassStrategy();
        var ic = new V1IngressClass { Metadata = Meta("nginx", ns: null), Spec = new V1IngressClassSpec { Controller = "k8s.io/ingress-nginx" } };
        Assert.That(CreateErrors(s, ic), Is.Empty);
        Assert.That(s.Cells(ic, Now), Is.EqualTo(new object?[] { "nginx", "k8s.io/ingress-nginx", "<none>", "5m" }));
        var changed = Clone(ic);
        changed.Spec.Controller = "example.com/other";
        Assert.That(UpdateErrors(s, changed, ic), Is.EqualTo(new[] { "spec.controller: Invalid value: \"example.com/other\": field is immutable (FieldValueInvalid)" }));
        ic.Spec.Controller = "nginx";
        Assert.That(CreateErrors(s, ic), Is.EqualTo(new[] { "spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\") (FieldValueInvalid)" }));
    }

    [Test]
    public void Network_policies()
    {
        var s = new NetworkPolicyStrategy();
        var np = new V1NetworkPolicy
        {
            Metadata = Meta("deny"),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = App() },
                Egress = [new V1NetworkPolicyEgressRule { Ports = [new V1NetworkPolicyPort { Port = 53 }] }],
            },
        };
        Assert.That(CreateErrors(s, np), Is.Empty);
        Assert.That((string.Join(",", np.Spec.PolicyTypes), np.Spec.Egress[0].Ports[0].Protocol), Is.EqualTo(("Ingress,Egress", "TCP")));
        Assert.That(s.Cells(np, Now), Is.EqualTo(new object?[] { "deny", "app=web", "5m" }));
        Assert.That(s.Cells(new V1NetworkPolicy { Metadata = Meta("all"), Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() } }, Now)[1], Is.EqualTo("<none>"));
    }

    [Test]
    public void Pod_disruption_budgets()
    {
        var s = new PodDisruptionBudgetStrategy();
        var pdb = new V1PodDisruptionBudget { Metadata = Meta("web"), Spec = new V1PodDisruptionBudgetSpec { MinAvailable = "50%", Selector = new V1LabelSelector { MatchLabels = App() } } };
        Assert.That(CreateErrors(s, pdb), Is.Empty);
        Assert.That(s.Cells(pdb, Now), Is.EqualTo(new object?[] { "web", "50%", "N/A", 0L, "5m" }));
        pdb.Spec.MaxUnavailable = 1;
        Assert.That(CreateErrors(s, pdb), Is.EqualTo(new[] { "spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set (FieldValueInvalid)" }));
    }

    [Test]
    public void Storage_classes()
    {
        var s = new StorageClassStrategy();
        var sc = new V1StorageClass { Metadata = Meta("standard", ns: null), Provisioner = "k8s.io/minikube-hostpath" };
        sc.Metadata.Annotations = new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" };
        Assert.That(CreateErrors(s, sc), Is.Empty);
        Assert.That(s.Cells(sc, Now), Is.EqualTo(new object?[] { "standard (default)", "k8s.io/minikube-hostpath", "Delete", "Immediate", false, "5m" }));
        var changed = Clone(sc);
        changed.Parameters = new Dictionary<string, string> { ["type"] = "ssd" };
        Assert.That(UpdateErrors(s, changed, sc), Is.EqualTo(new[] { "parameters: Forbidden: updates to parameters are forbidden. (FieldValueForbidden)" }));
        Assert.That(CreateErrors(s, new V1StorageClass { Metadata = Meta("x", ns: null) }), Does.Contain("provisioner: Required value (FieldValueRequired)"));
    }

    [Test]
    public void Priority_classes()
    {
        var s = new PriorityClassStrategy();
        var pc = new V1PriorityClass { Metadata = Meta("high", ns: null), Value = 1000, GlobalDefault = false };
        Assert.That(CreateErrors(s, pc), Is.Empty);
        Assert.That(s.Cells(pc, Now), Is.EqualTo(new object?[] { "high", 1000L, false, "5m", "PreemptLowerPriority" }));
        var changed = Clone(pc);
        changed.Value = 2000;
        Assert.That(UpdateErrors(s, changed, pc), Is.EqualTo(new[] { "value: Forbidden: may not be changed in an update. (FieldValueForbidden)" }));
        Assert.That(CreateErrors(s, new V1PriorityClass { Metadata = Meta("system-mine", ns: null), Value = 1 }),
            Is.EqualTo(new[] { "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved (FieldValueForbidden)" }));
        Assert.That(CreateErrors(s, new V1PriorityClass { Metadata = Meta("huge", ns: null), Value = 2_000_000_000 }),
            Is.EqualTo(new[] { "value: Forbidden: maximum allowed value of a user defined priority is 1000000000 (FieldValueForbidden)" }));
    }

    [Test]
    public void Roles_and_cluster_roles()
    {
        var role = new RoleStrategy();
        var r = new V1Role { Metadata = Meta("reader"), Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get", "list"] }] };
        Assert.That(CreateErrors(role, r), Is.Empty);
        Assert.That(role.Cells(r, Now), Is.EqualTo(new object?[] { "reader", "2025-01-10T11:55:00Z" }));
        r.Rules.Add(new V1PolicyRule { NonResourceURLs = ["/healthz"], Verbs = ["get"] });
        r.Rules.Add(new V1PolicyRule { ApiGroups = [""], Resources = ["pods"] });
        Assert.That(CreateErrors(role, r), Is.SupersetOf(new[]
        {
            "rules[1].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs (FieldValueInvalid)",
            "rules[2].verbs: Required value: verbs must contain at least one value (FieldValueRequired)",
        }));
        var cr = new ClusterRoleStrategy();
        Assert.That(CreateErrors(cr, new V1ClusterRole { Metadata = Meta("system:health", ns: null), Rules = [new V1PolicyRule { NonResourceURLs = ["/healthz"], Verbs = ["get"] }] }), Is.Empty);
    }

    [Test]
    public void Bindings()
    {
        var rb = new RoleBindingStrategy();
        var binding = new V1RoleBinding
        {
            Metadata = Meta("read"),
            RoleRef = new V1RoleRef { Kind = "Role", Name = "reader" },
            Subjects =
            [
                new Rbacv1Subject { Kind = "User", Name = "jane" },
                new Rbacv1Subject { Kind = "Group", Name = "devs" },
                new Rbacv1Subject { Kind = "ServiceAccount", Name = "builder", NamespaceProperty = "ci" },
            ],
        };
        Assert.That(CreateErrors(rb, binding), Is.Empty);
        Assert.That((binding.RoleRef.ApiGroup, binding.Subjects[0].ApiGroup, binding.Subjects[2].ApiGroup), Is.EqualTo(("rbac.authorization.k8s.io", "rbac.authorization.k8s.io", (string?)null)));
        Assert.That(rb.Cells(binding, Now), Is.EqualTo(new object?[] { "read", "Role/reader", "5m", "jane", "devs", "ci/builder" }));
        var changed = Clone(binding);
        changed.RoleRef.Name = "writer";
        Assert.That(UpdateErrors(rb, changed, binding), Is.EqualTo(new[]
        {
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"writer\"}: cannot change roleRef (FieldValueInvalid)",
        }));

        var crb = new ClusterRoleBindingStrategy();
        var cluster = new V1ClusterRoleBinding
        {
            Metadata = Meta("admins", ns: null),
            RoleRef = new V1RoleRef { Kind = "Role", Name = "reader" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "builder" }],
        };
        Assert.That(CreateErrors(crb, cluster), Is.SupersetOf(new[]
        {
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\" (FieldValueNotSupported)",
            "subjects[0].namespace: Required value (FieldValueRequired)",
        }));
    }

    [Test]
    public void Reviews_need_no_metadata_and_answer_for_the_caller()
    {
        var masters = new KubeUser("minikube-user", [KubeUser.MastersGroup, KubeUser.AuthenticatedGroup]);
        var ssr = new SelfSubjectReviewStrategy();
        Assert.That(CreateErrors(ssr, new V1SelfSubjectReview()), Is.Empty);
        var answer = SelfSubjectReviewStrategy.Respond(new V1SelfSubjectReview(), masters);
        Assert.That((answer.Status.UserInfo.Username, answer.Status.UserInfo.Groups.Count), Is.EqualTo(("minikube-user", 2)));

        var ssar = new SelfSubjectAccessReviewStrategy();
        Assert.That(CreateErrors(ssar, new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec() }), Is.EqualTo(new[]
        {
            "spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified (FieldValueInvalid)",
        }));
        var review = new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = "get", Resource = "pods" } } };
        Assert.That(CreateErrors(ssar, review), Is.Empty);
        Assert.That(SelfSubjectAccessReviewStrategy.Respond(review, masters).Status.Allowed, Is.True);
        Assert.That(SelfSubjectAccessReviewStrategy.Respond(review, new KubeUser("jane", [KubeUser.AuthenticatedGroup])).Status.Allowed, Is.False);

        var tr = new TokenReviewStrategy();
        Assert.That(CreateErrors(tr, new V1TokenReview { Spec = new V1TokenReviewSpec() }), Is.EqualTo(new[] { "spec.token: Required value (FieldValueRequired)" }));
        Assert.That(TokenReviewStrategy.Respond(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = "t" } }, null, "invalid token").Status.Authenticated, Is.False);
    }
}
