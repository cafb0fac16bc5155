using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class DescriptorTests
{
    // group/version, plural, kind, namespaced, short names, categories, storage prefix, generation, subresources
    private static readonly object[] Facts =
    [
        new object[] { "v1", "pods", "Pod", true, "po", "all", "pods", false, "attach,binding,ephemeralcontainers,eviction,exec,log,portforward,proxy,status" },
        new object[] { "v1", "services", "Service", true, "svc", "all", "services/specs", false, "proxy,status" },
        new object[] { "v1", "endpoints", "Endpoints", true, "ep", "", "services/endpoints", false, "" },
        new object[] { "v1", "serviceaccounts", "ServiceAccount", true, "sa", "", "serviceaccounts", false, "token" },
        new object[] { "v1", "nodes", "Node", false, "no", "", "minions", false, "proxy,status" },
        new object[] { "v1", "events", "Event", true, "ev", "", "events", false, "" },
        new object[] { "v1", "replicationcontrollers", "ReplicationController", true, "rc", "all", "controllers", true, "scale,status" },
        new object[] { "v1", "persistentvolumes", "PersistentVolume", false, "pv", "", "persistentvolumes", false, "status" },
        new object[] { "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", "", "persistentvolumeclaims", false, "status" },
        new object[] { "v1", "limitranges", "LimitRange", true, "limits", "", "limitranges", false, "" },
        new object[] { "v1", "resourcequotas", "ResourceQuota", true, "quota", "", "resourcequotas", false, "status" },
        new object[] { "v1", "podtemplates", "PodTemplate", true, "", "", "podtemplates", true, "" },
        new object[] { "apps/v1", "deployments", "Deployment", true, "deploy", "all", "deployments", true, "scale,status" },
        new object[] { "apps/v1", "replicasets", "ReplicaSet", true, "rs", "all", "replicasets", true, "scale,status" },
        new object[] { "apps/v1", "statefulsets", "StatefulSet", true, "sts", "all", "statefulsets", true, "scale,status" },
        new object[] { "apps/v1", "daemonsets", "DaemonSet", true, "ds", "all", "daemonsets", true, "status" },
        new object[] { "apps/v1", "controllerrevisions", "ControllerRevision", true, "", "", "controllerrevisions", false, "" },
        new object[] { "batch/v1", "jobs", "Job", true, "", "all", "jobs", true, "status" },
        new object[] { "batch/v1", "cronjobs", "CronJob", true, "cj", "all", "cronjobs", true, "status" },
        new object[] { "autoscaling/v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa", "all", "horizontalpodautoscalers", true, "status" },
        new object[] { "autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa", "all", "horizontalpodautoscalers", true, "status" },
        new object[] { "discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true, "", "", "endpointslices", true, "" },
        new object[] { "coordination.k8s.io/v1", "leases", "Lease", true, "", "", "leases", false, "" },
        new object[] { "events.k8s.io/v1", "events", "Event", true, "ev", "", "events", false, "" },
        new object[] { "networking.k8s.io/v1", "ingresses", "Ingress", true, "ing", "", "ingress", true, "status" },
        new object[] { "networking.k8s.io/v1", "ingressclasses", "IngressClass", false, "", "", "ingressclasses", true, "" },
        new object[] { "networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true, "netpol", "", "networkpolicies", true, "" },
        new object[] { "policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", "", "poddisruptionbudgets", true, "status" },
        new object[] { "storage.k8s.io/v1", "storageclasses", "StorageClass", false, "sc", "", "storageclasses", false, "" },
        new object[] { "scheduling.k8s.io/v1", "priorityclasses", "PriorityClass", false, "pc", "", "priorityclasses", false, "" },
        new object[] { "rbac.authorization.k8s.io/v1", "roles", "Role", true, "", "", "roles", false, "" },
        new object[] { "rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true, "", "", "rolebindings", false, "" },
        new object[] { "rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false, "", "", "clusterroles", false, "" },
        new object[] { "rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false, "", "", "clusterrolebindings", false, "" },
        new object[] { "authentication.k8s.io/v1", "selfsubjectreviews", "SelfSubjectReview", false, "", "", "", false, "" },
        new object[] { "authentication.k8s.io/v1", "tokenreviews", "TokenReview", false, "", "", "", false, "" },
        new object[] { "authorization.k8s.io/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, "", "", "", false, "" },
    ];

    [TestCaseSource(nameof(Facts))]
    public void Descriptor_matches_upstream(string gv, string plural, string kind, bool namespaced, string shortNames, string categories, string prefix, bool generation, string subresources)
    {
        var s = Strategy(gv, plural);
        Assert.Multiple(() =>
        {
            Assert.That(s.Descriptor.Kind, Is.EqualTo(kind));
            Assert.That(s.Descriptor.Singular, Is.EqualTo(kind.ToLowerInvariant()));
            Assert.That(s.Descriptor.Namespaced, Is.EqualTo(namespaced));
            Assert.That(string.Join(",", s.Descriptor.ShortNames), Is.EqualTo(shortNames));
            Assert.That(string.Join(",", s.Descriptor.Categories), Is.EqualTo(categories));
            Assert.That(s.StoragePrefix, Is.EqualTo(prefix));
            Assert.That(s.HasGeneration, Is.EqualTo(generation));
            Assert.That(string.Join(",", s.Descriptor.Subresources.Select(r => r.Name).Order()), Is.EqualTo(subresources));
            Assert.That(s.ModelType.GetField("KubeKind")?.GetValue(null), Is.EqualTo(kind));
        });
    }

    [Test]
    public void Every_resource_is_covered_by_the_facts_table() =>
        Assert.That(All.Select(s => $"{s.Descriptor.GroupVersion}/{s.Descriptor.Plural}").Order(),
            Is.EqualTo(Facts.Cast<object[]>().Select(f => $"{f[0]}/{f[1]}").Order()));

    [Test]
    public void Category_all_is_exactly_upstreams_set() =>
        Assert.That(All.Where(s => s.Descriptor.Categories.Contains("all")).Select(s => s.Descriptor.Plural).Distinct().Order(), Is.EqualTo(new[]
        {
            "cronjobs", "daemonsets", "deployments", "horizontalpodautoscalers", "jobs", "pods", "replicasets", "replicationcontrollers", "services", "statefulsets",
        }));

    [Test]
    public void Verbs_are_standard_except_for_reviews()
    {
        foreach (var s in All)
        {
            var expected = s.StoragePrefix.Length == 0 ? new[] { "create" } : ApiResourceDescriptor.StandardVerbs.ToArray();
            Assert.That(s.Descriptor.Verbs, Is.EqualTo(expected), s.Descriptor.Plural);
        }
    }

    [Test]
    public void Scale_subresources_answer_autoscaling_v1_scale_and_eviction_policy_v1()
    {
        foreach (var scale in All.SelectMany(s => s.Descriptor.Subresources).Where(r => r.Name == "scale"))
        {
            Assert.That((scale.Group, scale.Version, scale.Kind), Is.EqualTo(("autoscaling", "v1", "Scale")));
            Assert.That(scale.Verbs, Is.EqualTo(new[] { "get", "patch", "update" }));
        }

        var eviction = Strategy("v1", "pods").Descriptor.Subresources.Single(r => r.Name == "eviction");
        Assert.That((eviction.Group, eviction.Version, eviction.Kind, eviction.Verbs.Single()), Is.EqualTo(("policy", "v1", "Eviction", "create")));
        var token = Strategy("v1", "serviceaccounts").Descriptor.Subresources.Single();
        Assert.That((token.Group, token.Kind), Is.EqualTo(("authentication.k8s.io", "TokenRequest")));
    }

    [Test]
    public void AddBuiltInResources_registers_each_strategy_once_as_a_singleton()
    {
        var services = new ServiceCollection().AddBuiltInResources().AddBuiltInResources();
        Assert.That(services.All(d => d.Lifetime == ServiceLifetime.Singleton), Is.True);
        using var provider = services.BuildServiceProvider();
        var strategies = provider.GetServices<IResourceStrategy>().ToList();
        Assert.That(provider.GetServices<ApiResourceDescriptor>().Count(), Is.EqualTo(All.Count), "each descriptor is registered for discovery");
        Assert.That(provider.GetRequiredService<PodStrategy>(), Is.SameAs(strategies.OfType<PodStrategy>().Single()));
        Assert.That(strategies, Has.Count.EqualTo(All.Count));
        Assert.That(strategies.Select(s => (s.Descriptor.GroupVersion, s.Descriptor.Plural)).Distinct().Count(), Is.EqualTo(All.Count));
    }

    [Test]
    public void Replicated_kinds_scale_and_pods_delete_gracefully()
    {
        var deploy = new k8s.Models.V1Deployment
        {
            Metadata = Meta("web"),
            Spec = new k8s.Models.V1DeploymentSpec { Replicas = 2, Selector = new k8s.Models.V1LabelSelector { MatchLabels = App() } },
            Status = new k8s.Models.V1DeploymentStatus { Replicas = 1 },
        };
        var scale = (IScaleStrategy)Strategy("apps/v1", "deployments");
        scale.SetSpecReplicas(deploy, 5);
        Assert.That((scale.SpecReplicas(deploy), scale.StatusReplicas(deploy), scale.Selector(deploy)), Is.EqualTo((5, 1, "app=web")));
        Assert.That(All.OfType<IScaleStrategy>().Select(s => s.GetType().Name).Order(), Is.EqualTo(new[]
        {
            "DeploymentStrategy", "ReplicaSetStrategy", "ReplicationControllerStrategy", "StatefulSetStrategy",
        }));

        var pods = (IDeletionStrategy)Strategy("v1", "pods");
        var pod = new k8s.Models.V1Pod { Metadata = Meta("p"), Spec = new k8s.Models.V1PodSpec { NodeName = "n1", TerminationGracePeriodSeconds = 30 } };
        Assert.That((pods.GracePeriodSeconds(pod, null), pods.GracePeriodSeconds(pod, 0), pods.ReturnDeletedObject), Is.EqualTo((30L, 0L, true)));
        pod.Spec.NodeName = null;
        Assert.That(pods.GracePeriodSeconds(pod, null), Is.EqualTo(0), "unscheduled pods go at once");
    }

    [Test]
    public void Registry_accepts_every_descriptor() =>
        Assert.That(new ResourceRegistry(All.Select(s => s.Descriptor)).Groups.Select(g => g.Name), Does.Contain("apps").And.Contain("autoscaling"));

    [Test]
    public void Every_table_row_has_as_many_cells_as_columns_and_name_first()
    {
        foreach (var s in All)
        {
            var obj = (k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>)Activator.CreateInstance(s.ModelType)!;
            obj.Metadata = Meta("x", s.Descriptor.Namespaced ? "default" : null);
            s.Default(obj);
            var cells = s.Cells(obj, Now);
            Assert.That(cells, Has.Count.EqualTo(s.Columns.Count), s.Descriptor.Plural);
            var nameColumn = s.Columns.Select((c, i) => (c, i)).First(x => x.c.Format == "name");
            Assert.That(cells[nameColumn.i], Is.EqualTo("x"), s.Descriptor.Plural);
        }
    }

    [Test]
    public void Field_selectors_always_offer_name_and_namespace_for_namespaced_kinds()
    {
        foreach (var s in All)
        {
            var obj = (k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>)Activator.CreateInstance(s.ModelType)!;
            obj.Metadata = Meta("x", s.Descriptor.Namespaced ? "ns1" : null);
            var fields = s.SelectableFields(obj);
            Assert.That(fields["metadata.name"], Is.EqualTo("x"));
            Assert.That(fields.ContainsKey("metadata.namespace"), Is.EqualTo(s.Descriptor.Namespaced), s.Descriptor.Plural);
        }
    }
}
