using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Apps;
using LocalKube.Node.ApiServer.Catalog.Core;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class WorkloadTests
{
    private static readonly DeploymentStrategy Deployments = new();

    private static V1Deployment Deploy() => new()
    {
        Metadata = Meta("web"),
        Spec = new V1DeploymentSpec { Selector = new V1LabelSelector { MatchLabels = App() }, Template = Template(App()) },
    };

    [Test]
    public void Deployment_defaults()
    {
        var d = Deploy();
        Deployments.Default(d);
        Assert.Multiple(() =>
        {
            Assert.That(Json(d.Spec.Strategy), Is.EqualTo("""{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"}"""));
            Assert.That((d.Spec.Replicas, d.Spec.RevisionHistoryLimit, d.Spec.ProgressDeadlineSeconds), Is.EqualTo(((int?)1, (int?)10, (int?)600)));
            Assert.That(d.Spec.Template.Spec.RestartPolicy, Is.EqualTo("Always"));
            Assert.That(d.Spec.Template.Spec.Containers[0].ImagePullPolicy, Is.EqualTo("IfNotPresent"));
            Assert.That(d.Spec.Template.Spec.EnableServiceLinks, Is.Null, "service links are a Pod-only default");
            Assert.That(d.Spec.Template.Spec.ServiceAccountName, Is.Null, "the service account is admission, on pods only");
        });
    }

    private static IEnumerable<TestCaseData> InvalidDeployments()
    {
        yield return Case("missing selector", d => d.Spec.Selector = null,
            "spec.selector: Required value (FieldValueRequired)",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels` (FieldValueInvalid)");
        yield return Case("selector does not match", d => d.Spec.Selector.MatchLabels = App("api"),
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels` (FieldValueInvalid)");
        yield return Case("empty selector", d => d.Spec.Selector = new V1LabelSelector(),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment (FieldValueInvalid)");
        yield return Case("container without image", d => d.Spec.Template.Spec.Containers[0].Image = null,
            "spec.template.spec.containers[0].image: Required value (FieldValueRequired)");
        yield return Case("container without name", d => d.Spec.Template.Spec.Containers[0].Name = null,
            "spec.template.spec.containers[0].name: Required value (FieldValueRequired)");
        yield return Case("negative replicas", d => d.Spec.Replicas = -1,
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0 (FieldValueInvalid)");
        yield return Case("restart policy never", d => d.Spec.Template.Spec.RestartPolicy = "Never",
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\" (FieldValueNotSupported)");
        yield return Case("active deadline", d => d.Spec.Template.Spec.ActiveDeadlineSeconds = 10,
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported (FieldValueForbidden)");
        yield return Case("bad strategy", d => d.Spec.Strategy = new V1DeploymentStrategy { Type = "BlueGreen" },
            "spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\" (FieldValueNotSupported)");
        yield return Case("recreate with rolling update", d => d.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate", RollingUpdate = new V1RollingUpdateDeployment() },
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate' (FieldValueForbidden)");
        yield return Case("zero surge and unavailable", d => d.Spec.Strategy = new V1DeploymentStrategy
        {
            Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 0 },
        }, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0 (FieldValueInvalid)");
        yield return Case("over 100%", d => d.Spec.Strategy = new V1DeploymentStrategy
        {
            Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = "120%" },
        }, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"120%\": must not be greater than 100% (FieldValueInvalid)");
        yield return Case("progress deadline below min ready", d =>
        {
            d.Spec.MinReadySeconds = 700;
        }, "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds (FieldValueInvalid)");
    }

    private static TestCaseData Case(string name, Action<V1Deployment> mutate, params string[] expected) =>
        new TestCaseData(mutate, expected).SetName("Deployment invalid: " + name);

    [TestCaseSource(nameof(InvalidDeployments))]
    public void Invalid_deployment(Action<V1Deployment> mutate, string[] expected)
    {
        var d = Deploy();
        mutate(d);
        Assert.That(CreateErrors(Deployments, d), Is.SupersetOf(expected));
    }

    [Test]
    public void Valid_deployment() => Assert.That(CreateErrors(Deployments, Deploy()), Is.Empty);

    [Test]
    public void Deployment_selector_is_immutable_with_upstreams_message()
    {
        var old = Deploy();
        var changed = Deploy();
        changed.Spec.Selector.MatchLabels = App("web2");
        changed.Spec.Template.Metadata.Labels = App("web2");
        Assert.That(UpdateErrors(Deployments, changed, old), Is.EqualTo(new[]
        {
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable (FieldValueInvalid)",
        }));
    }

    [Test]
    public void Generation_follows_spec_only()
    {
        var old = Deploy();
        Deployments.Default(old);
        var labelled = Clone(old);
        labelled.Metadata.Labels = App();
        labelled.Status = new V1DeploymentStatus { ReadyReplicas = 1 };
        var scaled = Clone(old);
        scaled.Spec.Replicas = 3;
        Assert.That((Deployments.SpecChanged(old, labelled), Deployments.SpecChanged(old, scaled)), Is.EqualTo((false, true)));
    }

    [Test]
    public void Deployment_row()
    {
        var d = Deploy();
        Deployments.Default(d);
        d.Spec.Replicas = 3;
        d.Status = new V1DeploymentStatus { ReadyReplicas = 2, UpdatedReplicas = 3, AvailableReplicas = 2 };
        Assert.That(Deployments.Cells(d, Now), Is.EqualTo(new object?[] { "web", "2/3", 3, 2, "5m", "app", "nginx:1.27", "app=web" }));
        Assert.That(Deployments.Columns.Where(c => c.Priority == 1).Select(c => c.Name), Is.EqualTo(new[] { "Containers", "Images", "Selector" }));
    }

    [Test]
    public void Replica_set()
    {
        var s = new ReplicaSetStrategy();
        var rs = new V1ReplicaSet { Metadata = Meta("web-1"), Spec = new V1ReplicaSetSpec { Selector = new V1LabelSelector { MatchLabels = App() }, Template = Template(App()) } };
        Assert.That(CreateErrors(s, rs), Is.Empty);
        Assert.That(rs.Spec.Replicas, Is.EqualTo(1));
        rs.Status = new V1ReplicaSetStatus { Replicas = 1, ReadyReplicas = 1 };
        Assert.That(s.Cells(rs, Now), Is.EqualTo(new object?[] { "web-1", 1, 1, 1, "5m", "app", "nginx:1.27", "app=web" }));
        Assert.That(s.SelectableFields(rs)["status.replicas"], Is.EqualTo("1"));
        var bad = Clone(rs);
        bad.Spec.Selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "app", OperatorProperty = "In" }] };
        Assert.That(CreateErrors(s, bad), Does.Contain("spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn' (FieldValueRequired)"));
    }

    [Test]
    public void Stateful_set()
    {
        var s = new StatefulSetStrategy();
        var sts = new V1StatefulSet
        {
            Metadata = Meta("db"),
            Spec = new V1StatefulSetSpec { ServiceName = "db", Selector = new V1LabelSelector { MatchLabels = App("db") }, Template = Template(App("db"), "postgres:16") },
        };
        Assert.That(CreateErrors(s, sts), Is.Empty);
        Assert.That(Json(sts.Spec.UpdateStrategy), Is.EqualTo("""{"rollingUpdate":{"partition":0},"type":"RollingUpdate"}"""));
        Assert.That((sts.Spec.PodManagementPolicy, sts.Spec.RevisionHistoryLimit, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted), Is.EqualTo(("OrderedReady", (int?)10, "Retain")));
        sts.Status = new V1StatefulSetStatus { ReadyReplicas = 1 };
        Assert.That(s.Cells(sts, Now), Is.EqualTo(new object?[] { "db", "1/1", "5m", "app", "postgres:16" }));

        var renamed = Clone(sts);
        renamed.Spec.ServiceName = "db2";
        Assert.That(UpdateErrors(s, renamed, sts), Is.EqualTo(new[] { $"spec: Forbidden: {StatefulSetStrategy.ForbiddenUpdateMessage} (FieldValueForbidden)" }));
        var scaled = Clone(sts);
        scaled.Spec.Replicas = 3;
        Assert.That(UpdateErrors(s, scaled, sts), Is.Empty);
        var policy = Clone(sts);
        policy.Spec.PodManagementPolicy = "Sometimes";
        Assert.That(CreateErrors(s, policy), Does.Contain("spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel' (FieldValueInvalid)"));
    }

    [Test]
    public void Daemon_set()
    {
        var s = new DaemonSetStrategy();
        var ds = new V1DaemonSet { Metadata = Meta("agent"), Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector { MatchLabels = App("agent") }, Template = Template(App("agent")) } };
        ds.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" };
        Assert.That(CreateErrors(s, ds), Is.Empty);
        Assert.That(Json(ds.Spec.UpdateStrategy), Is.EqualTo("""{"rollingUpdate":{"maxSurge":0,"maxUnavailable":1},"type":"RollingUpdate"}"""));
        ds.Status = new V1DaemonSetStatus { DesiredNumberScheduled = 1, CurrentNumberScheduled = 1, NumberReady = 1, UpdatedNumberScheduled = 1, NumberAvailable = 1 };
        Assert.That(s.Cells(ds, Now), Is.EqualTo(new object?[] { "agent", 1, 1, 1, 1, 1, "kubernetes.io/os=linux", "5m", "app", "nginx:1.27", "app=agent" }));
        var both = Clone(ds);
        both.Spec.UpdateStrategy.RollingUpdate.MaxSurge = 1;
        Assert.That(CreateErrors(s, both), Does.Contain("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero (FieldValueInvalid)"));
    }

    [Test]
    public void Replication_controller_defaults_selector_and_labels_from_template()
    {
        var s = new ReplicationControllerStrategy();
        var rc = new V1ReplicationController { Metadata = Meta("legacy"), Spec = new V1ReplicationControllerSpec { Template = Template(App("legacy")) } };
        Assert.That(CreateErrors(s, rc), Is.Empty);
        Assert.That((Json(rc.Spec.Selector), Json(rc.Metadata.Labels), rc.Spec.Replicas), Is.EqualTo(("""{"app":"legacy"}""", """{"app":"legacy"}""", (int?)1)));
        Assert.That(s.Cells(rc, Now)[7], Is.EqualTo("app=legacy"));
        var never = Clone(rc);
        never.Spec.Template.Spec.RestartPolicy = "OnFailure";
        Assert.That(CreateErrors(s, never), Does.Contain("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\" (FieldValueNotSupported)"));
    }

    [Test]
    public void Pod_template_and_controller_revision()
    {
        var pt = new PodTemplateStrategy();
        var template = new V1PodTemplate { Metadata = Meta("tpl"), Template = Template(App()) };
        Assert.That(CreateErrors(pt, template), Is.Empty);
        Assert.That(pt.Cells(template, Now), Is.EqualTo(new object?[] { "tpl", "app", "nginx:1.27", "app=web" }));
        var changed = Clone(template);
        changed.Template.Spec.Containers[0].Image = "nginx:1.28";
        Assert.That(pt.SpecChanged(template, changed), Is.True);

        var cr = new ControllerRevisionStrategy();
        var rev = new V1ControllerRevision
        {
            Metadata = Meta("db-7d4b9c"), Revision = 2, Data = new Dictionary<string, object>(),
        };
        rev.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "db", Controller = true, Uid = "u" }];
        Assert.That(CreateErrors(cr, rev), Is.Empty);
        Assert.That(cr.Cells(rev, Now), Is.EqualTo(new object?[] { "db-7d4b9c", "statefulset.apps/db", 2L, "5m" }));
        Assert.That(CreateErrors(cr, new V1ControllerRevision { Metadata = Meta("x") }), Does.Contain("data: Required value: data is mandatory (FieldValueRequired)"));
    }
}
