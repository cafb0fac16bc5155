using k8s.Models;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Controllers.StatefulSet;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.StatefulSet;

[TestFixture]
public sealed class StatefulSetSyncTests
{
    private FakeStatefulSetActions _api = null!;
    private StatefulSetSync _sync = null!;

    [SetUp]
    public void SetUp()
    {
        _api = new FakeStatefulSetActions();
        _sync = new StatefulSetSync(_api, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task OrderedReady_CreatesOnePodAtATime_ClaimsFirst_WithIdentity()
    {
        var set = Set(replicas: 3, withClaim: true);
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EqualTo(new[] { "web-0" }));
        Assert.That(_api.Claims.Keys, Is.EqualTo(new[] { "data-web-0" }));
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EqualTo(new[] { "web-0" }), "web-0 is not Running and Ready yet");

        _api.RunAll();
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EquivalentTo(new[] { "web-0", "web-1" }));
        _api.RunAll();
        await SyncAsync(set);
        _api.RunAll();
        await SyncAsync(set);

        var pod = _api.Pods["web-2"];
        var revision = _api.Revisions.Values.Single();
        Assert.Multiple(() =>
        {
            Assert.That(_api.Claims.Keys, Is.EquivalentTo(new[] { "data-web-0", "data-web-1", "data-web-2" }));
            Assert.That(_api.Claims["data-web-2"].Metadata.Labels["app"], Is.EqualTo("web"));
            Assert.That(pod.Spec.Hostname, Is.EqualTo("web-2"));
            Assert.That(pod.Spec.Subdomain, Is.EqualTo("web-svc"));
            Assert.That(pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"], Is.EqualTo("web-2"));
            Assert.That(pod.Metadata.Labels["apps.kubernetes.io/pod-index"], Is.EqualTo("2"));
            Assert.That(pod.Metadata.Labels["controller-revision-hash"], Is.EqualTo(revision.Metadata.Name));
            Assert.That(pod.Spec.Volumes.Single(v => v.Name == "data").PersistentVolumeClaim.ClaimName, Is.EqualTo("data-web-2"));
            Assert.That(revision.Metadata.Name, Does.Match("^web-[bcdfghjklmnpqrstvwxz2456789]+$"));
            Assert.That(revision.Metadata.Labels["controller.kubernetes.io/hash"], Is.EqualTo(revision.Metadata.Name["web-".Length..]));
            Assert.That(revision.Revision, Is.EqualTo(1));
            Assert.That(ControllerHistory.DataText(revision), Does.StartWith("{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"creationTimestamp\":null,"));
            Assert.That(_api.Events, Does.Contain("Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success"));
            Assert.That(_api.Events, Does.Contain("Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful"));
            Assert.That(_api.Stored!.Status.Replicas, Is.EqualTo(3));
            Assert.That(_api.Stored.Status.CurrentRevision, Is.EqualTo(revision.Metadata.Name));
            Assert.That(_api.Stored.Status.UpdateRevision, Is.EqualTo(revision.Metadata.Name));
        });
    }

    [Test]
    public async Task Parallel_CreatesAllAtOnce()
    {
        var set = Set(replicas: 3);
        set.Spec.PodManagementPolicy = "Parallel";
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EquivalentTo(new[] { "web-0", "web-1", "web-2" }));
    }

    [Test]
    public async Task ScaleDown_HighestFirst_OneAtATime()
    {
        var set = await ConvergeAsync(Set(replicas: 3));
        set.Spec.Replicas = 1;
        set.Metadata.Generation = 2;
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EquivalentTo(new[] { "web-0", "web-1" }));
        Assert.That(_api.Events.Last(), Is.EqualTo("Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful"));
        await SyncAsync(set);
        Assert.That(_api.Pods.Keys, Is.EquivalentTo(new[] { "web-0" }));
    }

    [Test]
    public async Task RollingUpdate_HighestFirst_RespectsPartition_AndCompletes()
    {
        var set = await ConvergeAsync(Set(replicas: 3));
        var first = _api.Revisions.Keys.Single();
        set.Spec.Template.Spec.Containers[0].Image = "nginx:2";
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 1 } };
        set.Metadata.Generation = 2;
        set.Status = _api.Stored!.Status;

        for (var i = 0; i < 10; i++)
        {
            await SyncAsync(set);
            _api.RunAll();
            set.Status = _api.Stored!.Status;
        }

        var second = _api.Revisions.Keys.Single(k => k != first);
        Assert.Multiple(() =>
        {
            Assert.That(_api.Pods["web-2"].Metadata.Labels["controller-revision-hash"], Is.EqualTo(second));
            Assert.That(_api.Pods["web-1"].Metadata.Labels["controller-revision-hash"], Is.EqualTo(second));
            Assert.That(_api.Pods["web-0"].Metadata.Labels["controller-revision-hash"], Is.EqualTo(first), "below the partition");
            Assert.That(_api.Pods["web-1"].Spec.Containers[0].Image, Is.EqualTo("nginx:2"));
            Assert.That(set.Status.UpdatedReplicas, Is.EqualTo(2));
            Assert.That(set.Status.CurrentRevision, Is.EqualTo(first));
            Assert.That(_api.Revisions[second].Revision, Is.EqualTo(2));
        });

        set.Spec.UpdateStrategy.RollingUpdate.Partition = 0;
        for (var i = 0; i < 5; i++)
        {
            await SyncAsync(set);
            _api.RunAll();
            set.Status = _api.Stored!.Status;
        }

        Assert.That(set.Status.CurrentRevision, Is.EqualTo(second));
        Assert.That(set.Status.CurrentReplicas, Is.EqualTo(3));
    }

    [Test]
    public async Task RollbackToAnEqualTemplate_RenumbersTheOldRevision()
    {
        var set = await ConvergeAsync(Set(replicas: 1));
        var first = _api.Revisions.Keys.Single();
        set.Spec.Template.Spec.Containers[0].Image = "nginx:2";
        set = await ConvergeAsync(set);
        set.Spec.Template.Spec.Containers[0].Image = "nginx";
        set = await ConvergeAsync(set);
        Assert.That(_api.Revisions, Has.Count.EqualTo(2));
        Assert.That(_api.Revisions[first].Revision, Is.EqualTo(3));
        Assert.That(set.Status.UpdateRevision, Is.EqualTo(first));
    }

    [Test]
    public async Task FailedPod_IsRecreated_WithEvent()
    {
        var set = await ConvergeAsync(Set(replicas: 1));
        _api.Pods["web-0"].Status.Phase = "Failed";
        await SyncAsync(set);
        Assert.That(_api.Events, Does.Contain("Warning RecreatingFailedPod StatefulSet default/web is recreating failed Pod web-0"));
        Assert.That(_api.Pods["web-0"].Status.Phase, Is.EqualTo("Pending"), "a new pod of the same name");
    }

    [TestCase("Retain", "Delete", true, false)]
    [TestCase("Retain", "Retain", false, false)]
    public async Task RetentionPolicy_SetsClaimOwners(string whenScaled, string whenDeleted, bool setOwns, bool podOwns)
    {
        var set = Set(replicas: 1, withClaim: true);
        set.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenScaled = whenScaled, WhenDeleted = whenDeleted };
        await ConvergeAsync(set);
        var owners = _api.Claims["data-web-0"].Metadata.OwnerReferences ?? [];
        Assert.That(owners.Any(o => o.Kind == "StatefulSet"), Is.EqualTo(setOwns));
        Assert.That(owners.Any(o => o.Kind == "Pod"), Is.EqualTo(podOwns));
    }

    [Test]
    public async Task WhenScaledDelete_CondemnedPodOwnsItsClaim()
    {
        var set = Set(replicas: 2, withClaim: true);
        set.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenScaled = "Delete", WhenDeleted = "Retain" };
        set = await ConvergeAsync(set);
        set.Spec.Replicas = 1;
        await SyncAsync(set);
        var owners = _api.Claims["data-web-1"].Metadata.OwnerReferences;
        Assert.That(owners.Single().Kind, Is.EqualTo("Pod"));
        Assert.That(owners.Single().Name, Is.EqualTo("web-1"));
        Assert.That(_api.Claims["data-web-0"].Metadata.OwnerReferences, Is.Null);
    }

    [Test]
    public void TemplatePatch_IsGoEncoded_AndHashIsFnv32()
    {
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["b"] = "1", ["a"] = "<&>" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
        };
        var data = ControllerHistory.TemplatePatch(template);
        Assert.That(data, Is.EqualTo("{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":\"1\"}},\"spec\":{\"containers\":[{\"image\":\"i\",\"name\":\"c\",\"resources\":{}}]}}}}"));
        Assert.That(ControllerHistory.Hash(data, 0), Is.Not.EqualTo(ControllerHistory.Hash(data, 1)));
        Assert.That(ControllerHistory.Hash("", null), Is.EqualTo(TemplateHash.SafeEncode("2166136261")));
    }

    private Task SyncAsync(V1StatefulSet set) =>
        _sync.SyncAsync(set, _api.Pods.Values.Select(ModelCopy.Clone).ToList(), _api.Revisions.Values.Select(ModelCopy.Clone).ToList(), CancellationToken.None);

    private async Task<V1StatefulSet> ConvergeAsync(V1StatefulSet set)
    {
        for (var i = 0; i < 12; i++)
        {
            await SyncAsync(set);
            _api.RunAll();
            set.Status = _api.Stored?.Status ?? set.Status;
        }

        return set;
    }

    private static V1StatefulSet Set(int replicas, bool withClaim = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "sts-uid", Generation = 1 },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = "web-svc",
            RevisionHistoryLimit = 10,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = 0 } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
            },
            VolumeClaimTemplates = withClaim
                ? [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" }, Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"], Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity("1Gi") } } } }]
                : null,
        },
    };
}
