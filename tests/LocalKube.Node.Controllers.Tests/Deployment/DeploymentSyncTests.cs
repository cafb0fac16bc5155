using System.Net;
using k8s.Models;
using LocalKube.Node.Controllers.Deployment;
using LocalKube.Node.Controllers.Shared;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Deployment;

[TestFixture]
public sealed class DeploymentSyncTests
{
    private FakeDeploymentActions _api = null!;
    private FakeTimeProvider _time = null!;
    private DeploymentSync _sync = null!;

    [SetUp]
    public void SetUp()
    {
        _api = new FakeDeploymentActions();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _sync = new DeploymentSync(_api, _time);
    }

    [Test]
    public async Task FirstSync_CreatesHashedReplicaSet_WithLabelsSelectorAndAnnotations()
    {
        var d = DeploymentFixtures.Make(replicas: 3);
        d.Metadata.Annotations = new Dictionary<string, string>
        {
            ["kubernetes.io/change-cause"] = "first",
            ["kubectl.kubernetes.io/last-applied-configuration"] = "{}",
        };
        await SyncAsync(d);

        var rs = _api.ReplicaSets.Values.Single();
        var hash = rs.Metadata.Labels["pod-template-hash"];
        Assert.Multiple(() =>
        {
            Assert.That(rs.Metadata.Name, Is.EqualTo("web-" + hash));
            Assert.That(hash, Does.Match("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$"));
            Assert.That(rs.Spec.Template.Metadata.Labels["pod-template-hash"], Is.EqualTo(hash));
            Assert.That(rs.Spec.Selector.MatchLabels["pod-template-hash"], Is.EqualTo(hash));
            Assert.That(rs.Spec.Replicas, Is.EqualTo(3));
            Assert.That(rs.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("1"));
            Assert.That(rs.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"], Is.EqualTo("3"));
            Assert.That(rs.Metadata.Annotations["deployment.kubernetes.io/max-replicas"], Is.EqualTo("4"));
            Assert.That(rs.Metadata.Annotations["kubernetes.io/change-cause"], Is.EqualTo("first"));
            Assert.That(rs.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"), Is.False);
            Assert.That(rs.Metadata.OwnerReferences.Single().Controller, Is.True);
            Assert.That(rs.Metadata.OwnerReferences.Single().BlockOwnerDeletion, Is.True);
            Assert.That(d.Spec.Template.Metadata.Labels.ContainsKey("pod-template-hash"), Is.False, "never on the Deployment");
            Assert.That(_api.Stored!.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("1"));
            Assert.That(Progressing(_api.Stored).Reason, Is.EqualTo("NewReplicaSetCreated"));
            Assert.That(Progressing(_api.Stored).Message, Is.EqualTo($"Created new replica set \"web-{hash}\""));
            Assert.That(_api.Events, Is.EqualTo(new[] { $"Normal ScalingReplicaSet Scaled up replica set web-{hash} from 0 to 3" }));
        });
    }

    [Test]
    public async Task RollingUpdate_ThreeReplicas_FollowsUpstreamSteps_AndCompletes()
    {
        var d = DeploymentFixtures.Make(replicas: 3);
        d = await ConvergeAsync(d);
        Assert.That(Progressing(d).Reason, Is.EqualTo("NewReplicaSetAvailable"));
        _api.Events.Clear();
        _api.Log.Clear();

        DeploymentFixtures.SetImage(d, "nginx:2");
        d = await ConvergeAsync(d);

        var steps = _api.Events.Select(e => e.Split(' ')[6] + " " + e.Split(' ')[^3] + "->" + e.Split(' ')[^1]).ToList();
        var newName = DeploymentSync.FindNewReplicaSet(d, _api.Owned())!.Metadata.Name;
        var oldName = _api.ReplicaSets.Keys.Single(k => k != newName);
        Assert.That(steps, Is.EqualTo(new[]
        {
            $"{newName} 0->1", $"{oldName} 3->2", $"{newName} 1->2", $"{oldName} 2->1", $"{newName} 2->3", $"{oldName} 1->0",
        }));
        Assert.Multiple(() =>
        {
            Assert.That(d.Status.UpdatedReplicas, Is.EqualTo(3));
            Assert.That(d.Status.AvailableReplicas, Is.EqualTo(3));
            Assert.That(d.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("2"));
            Assert.That(Progressing(d).Message, Is.EqualTo($"ReplicaSet \"{newName}\" has successfully progressed."));
            Assert.That(_api.Events[0], Does.StartWith($"Normal ScalingReplicaSet Scaled up replica set {newName} from 0 to 1"));
            Assert.That(_api.Events[1], Is.EqualTo($"Normal ScalingReplicaSet Scaled down replica set {oldName} from 3 to 2"));
        });
    }

    [TestCase(3)]
    [TestCase(10)]
    public async Task MaxSurgeOneMaxUnavailableZero_NeverMoreThanReplicasPlusOne_NeverLessThanReplicasAvailable(int replicas)
    {
        var d = DeploymentFixtures.Make(replicas: replicas, maxSurge: "1", maxUnavailable: "0");
        d = await ConvergeAsync(d);
        DeploymentFixtures.SetImage(d, "nginx:2");
        for (var i = 0; i < 100; i++)
        {
            await SyncAsync(d);
            var total = _api.ReplicaSets.Values.Sum(rs => rs.Spec.Replicas ?? 0);
            Assert.That(total, Is.LessThanOrEqualTo(replicas + 1));
            // Half the time the pods take a round to become available, as a slow kubelet would have them.
            _api.SettleAll(available: i % 2 == 1);
            if (i % 2 == 0)
            {
                // Only new pods are unavailable while they start: old ones keep serving.
                foreach (var rs in _api.ReplicaSets.Values.Where(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"] == "1"))
                {
                    rs.Status.AvailableReplicas = rs.Status.Replicas;
                }
            }

            var available = _api.ReplicaSets.Values.Sum(rs => rs.Status.AvailableReplicas ?? 0);
            Assert.That(available, Is.GreaterThanOrEqualTo(i % 2 == 1 ? replicas : 0));
            d = _api.Stored!;
            if (DeploymentStatusMath.IsComplete(d, d.Status) && _api.ReplicaSets.Count == 2 && _api.ReplicaSets.Values.Count(r => r.Spec.Replicas > 0) == 1)
            {
                break;
            }
        }

        Assert.That(d.Status.UpdatedReplicas, Is.EqualTo(replicas));
    }

    [Test]
    public async Task ScalingMidRollout_IsProportional()
    {
        var d = DeploymentFixtures.Make(replicas: 10, maxSurge: "3", maxUnavailable: "2");
        d = await ConvergeAsync(d);
        DeploymentFixtures.SetImage(d, "nginx:2");
        await SyncAsync(d);
        d = _api.Stored!;
        _api.SettleAll(available: false);
        var before = _api.ReplicaSets.Values.OrderBy(r => r.Metadata.CreationTimestamp).Select(r => r.Spec.Replicas).ToList();
        Assert.That(before, Is.EqualTo(new int?[] { 8, 3 }), "the new RS within surge, the old down to minAvailable");

        d.Spec.Replicas = 20;
        d.Metadata.Generation++;
        await SyncAsync(d);
        var after = _api.ReplicaSets.Values.OrderBy(r => r.Metadata.CreationTimestamp).Select(r => r.Spec.Replicas ?? 0).ToList();
        Assert.That(after.Sum(), Is.EqualTo(23), "20 + a surge of 3");
        Assert.That(after[0], Is.GreaterThan(after[1]));
        Assert.That(_api.ReplicaSets.Values.All(r => r.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"] == "20"));
    }

    [Test]
    public async Task Recreate_WaitsForOldPodsToEnd_ThenCreatesAtFullSize()
    {
        var d = DeploymentFixtures.Make(replicas: 2, strategy: "Recreate");
        d = await ConvergeAsync(d);
        var oldRs = _api.ReplicaSets.Values.Single();
        DeploymentFixtures.SetImage(d, "nginx:2");

        var runningPod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Status = new V1PodStatus { Phase = "Running" } };
        var pods = new Dictionary<string, List<V1Pod>> { [oldRs.Metadata.Uid] = [runningPod] };
        await _sync.SyncAsync(ModelCopy.Clone(d), _api.Owned(), pods, CancellationToken.None);
        Assert.That(_api.ReplicaSets.Values.Single().Spec.Replicas, Is.Zero, "old scaled to 0 first");
        _api.SettleAll();
        await _sync.SyncAsync(ModelCopy.Clone(_api.Stored!), _api.Owned(), pods, CancellationToken.None);
        Assert.That(_api.ReplicaSets, Has.Count.EqualTo(1), "an old pod still runs: no new RS");

        runningPod.Status.Phase = "Succeeded";
        await _sync.SyncAsync(ModelCopy.Clone(_api.Stored!), _api.Owned(), pods, CancellationToken.None);
        Assert.That(_api.ReplicaSets, Has.Count.EqualTo(2));
        Assert.That(_api.ReplicaSets.Values.Single(r => r.Metadata.Name != oldRs.Metadata.Name).Spec.Replicas, Is.EqualTo(2));
    }

    [Test]
    public async Task NoProgressWithinDeadline_SetsProgressDeadlineExceeded_AndNeverOverwritesIt()
    {
        var d = DeploymentFixtures.Make(replicas: 2, progressDeadline: 30);
        await SyncAsync(d);
        _api.SettleAll(available: false);
        await SyncAsync(_api.Stored!);
        var requeue = await SyncAsync(_api.Stored!);
        Assert.That(requeue, Is.EqualTo(TimeSpan.FromSeconds(31)));

        _time.Advance(TimeSpan.FromSeconds(31));
        await SyncAsync(_api.Stored!);
        var d2 = _api.Stored!;
        var rsName = _api.ReplicaSets.Keys.Single();
        Assert.That(Progressing(d2).Status, Is.EqualTo("False"));
        Assert.That(Progressing(d2).Reason, Is.EqualTo("ProgressDeadlineExceeded"));
        Assert.That(Progressing(d2).Message, Is.EqualTo($"ReplicaSet \"{rsName}\" has timed out progressing."));
        Assert.That(Available(d2).Status, Is.EqualTo("False"));

        d2.Spec.Paused = true;
        await SyncAsync(d2);
        Assert.That(Progressing(_api.Stored!).Reason, Is.EqualTo("ProgressDeadlineExceeded"), "pausing does not hide a timeout");
    }

    [Test]
    public async Task PauseAndResume_SetUnknownConditions_AndPausedCreatesNoReplicaSet()
    {
        var d = await ConvergeAsync(DeploymentFixtures.Make(replicas: 2));
        d.Spec.Paused = true;
        DeploymentFixtures.SetImage(d, "nginx:2");
        await SyncAsync(d);
        d = _api.Stored!;
        Assert.That(Progressing(d).Status, Is.EqualTo("Unknown"));
        Assert.That(Progressing(d).Reason, Is.EqualTo("DeploymentPaused"));
        Assert.That(Progressing(d).Message, Is.EqualTo("Deployment is paused"));
        Assert.That(_api.ReplicaSets, Has.Count.EqualTo(1));

        d.Spec.Paused = false;
        await SyncAsync(d);
        Assert.That(_api.ReplicaSets, Has.Count.EqualTo(2));
        Assert.That(_api.Stored!.Status.Conditions.Any(c => c.Reason == "DeploymentPaused"), Is.False);
    }

    [Test]
    public async Task Rollback_ReusedReplicaSet_GetsNextRevision_AndKeepsHistory()
    {
        var d = await ConvergeAsync(DeploymentFixtures.Make(replicas: 1));
        DeploymentFixtures.SetImage(d, "nginx:2");
        d = await ConvergeAsync(d);
        DeploymentFixtures.SetImage(d, "nginx:1");
        d = await ConvergeAsync(d);

        var first = _api.ReplicaSets.Values.Single(r => r.Spec.Template.Spec.Containers[0].Image == "nginx:1");
        Assert.Multiple(() =>
        {
            Assert.That(_api.ReplicaSets, Has.Count.EqualTo(2), "the old RS was re-used");
            Assert.That(first.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("3"));
            Assert.That(first.Metadata.Annotations["deployment.kubernetes.io/revision-history"], Is.EqualTo("1"));
            Assert.That(d.Metadata.Annotations["deployment.kubernetes.io/revision"], Is.EqualTo("3"));
            Assert.That(first.Spec.Replicas, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Cleanup_DeletesOldestEmptyReplicaSetsBeyondHistoryLimit()
    {
        var d = DeploymentFixtures.Make(replicas: 1);
        d.Spec.RevisionHistoryLimit = 1;
        d = await ConvergeAsync(d);
        for (var i = 2; i <= 4; i++)
        {
            DeploymentFixtures.SetImage(d, $"nginx:{i}");
            d = await ConvergeAsync(d);
        }

        var images = _api.ReplicaSets.Values.Select(r => r.Spec.Template.Spec.Containers[0].Image).OrderBy(x => x).ToList();
        Assert.That(images, Is.EqualTo(new[] { "nginx:3", "nginx:4" }));
    }

    [Test]
    public async Task CreateRefused_SetsReplicaSetCreateError_AndWarns()
    {
        _api.FailCreate = _ => FakeDeploymentActions.Error(HttpStatusCode.Forbidden, "Forbidden", "replicasets.apps is forbidden: quota");
        var d = DeploymentFixtures.Make(replicas: 1);
        Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => SyncAsync(d));
        Assert.That(Progressing(_api.Stored!).Reason, Is.EqualTo("ReplicaSetCreateError"));
        Assert.That(Progressing(_api.Stored!).Message, Does.StartWith("Failed to create new replica set \"web-").And.EndWith("\": replicasets.apps is forbidden: quota"));
        Assert.That(_api.Events.Single(), Does.StartWith("Warning ReplicaSetCreateError Failed to create new replica set"));
    }

    [Test]
    public async Task HashCollision_BumpsCollisionCount_ThenUsesAnotherName()
    {
        var d = DeploymentFixtures.Make(replicas: 1);
        var hash = TemplateHash.Compute(d.Spec.Template, null);
        var squatter = RolloutMathTests.Rs("web-" + hash, 0);
        squatter.Spec.Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "x", Image = "other" }] } };
        _api.ReplicaSets[squatter.Metadata.Name] = squatter;

        Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _sync.SyncAsync(ModelCopy.Clone(d), [], new Dictionary<string, List<V1Pod>>(), CancellationToken.None));
        Assert.That(_api.Stored!.Status.CollisionCount, Is.EqualTo(1));
        await _sync.SyncAsync(ModelCopy.Clone(_api.Stored!), [], new Dictionary<string, List<V1Pod>>(), CancellationToken.None);
        Assert.That(_api.ReplicaSets.Keys, Has.Some.Not.EqualTo("web-" + hash));
    }

    [Test]
    public async Task ReplicaFailureOfTheNewReplicaSet_IsMirrored()
    {
        var d = DeploymentFixtures.Make(replicas: 1);
        await SyncAsync(d);
        var rs = _api.ReplicaSets.Values.Single();
        rs.Status.Conditions = [new V1ReplicaSetCondition { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = "pods \"x\" is forbidden", LastTransitionTime = DateTime.UtcNow }];
        await SyncAsync(_api.Stored!);
        var failure = _api.Stored!.Status.Conditions.Single(c => c.Type == "ReplicaFailure");
        Assert.That(failure.Reason, Is.EqualTo("FailedCreate"));
        rs.Status.Conditions = null;
        await SyncAsync(_api.Stored!);
        Assert.That(_api.Stored!.Status.Conditions.Any(c => c.Type == "ReplicaFailure"), Is.False);
    }

    [Test]
    public async Task EmptySelector_WarnsSelectingAll_AndDoesNothing()
    {
        var d = DeploymentFixtures.Make();
        d.Spec.Selector = new V1LabelSelector();
        await SyncAsync(d);
        Assert.That(_api.Events.Single(), Is.EqualTo("Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required."));
        Assert.That(_api.ReplicaSets, Is.Empty);
    }

    private async Task<TimeSpan?> SyncAsync(V1Deployment d) =>
        await _sync.SyncAsync(ModelCopy.Clone(d), _api.Owned(), new Dictionary<string, List<V1Pod>>(), CancellationToken.None);

    // Syncs until nothing changes, with every pod instantly available.
    private async Task<V1Deployment> ConvergeAsync(V1Deployment d)
    {
        _api.Stored = ModelCopy.Clone(d);
        for (var i = 0; i < 50; i++)
        {
            var before = _api.Log.Count + "/" + _api.Stored!.Metadata.ResourceVersion;
            await SyncAsync(_api.Stored!);
            _api.SettleAll();
            if (before == _api.Log.Count + "/" + _api.Stored!.Metadata.ResourceVersion)
            {
                return _api.Stored!;
            }
        }

        Assert.Fail("did not converge");
        return d;
    }

    private static V1DeploymentCondition Progressing(V1Deployment d) => d.Status.Conditions.Single(c => c.Type == "Progressing");

    private static V1DeploymentCondition Available(V1Deployment d) => d.Status.Conditions.Single(c => c.Type == "Available");
}
