using System.Net;
using k8s.Models;
using LocalKube.Node.Controllers.ReplicaSet;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Controllers.Tests.Deployment;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.ReplicaSet;

[TestFixture]
public sealed class ReplicaSetSyncTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(Now));

    [Test]
    public async Task TooFew_CreatesFromTemplate_WithGenerateNameAndControllerRef()
    {
        var rs = Rs(replicas: 3);
        var api = new FakeReplicaSetActions();
        await SyncAsync(rs, [], api);
        Assert.Multiple(() =>
        {
            Assert.That(api.Created, Has.Count.EqualTo(3));
            Assert.That(api.Expected, Is.EqualTo(3));
            Assert.That(api.Created[0].Metadata.GenerateName, Is.EqualTo("web-abc-"));
            Assert.That(api.Created[0].Metadata.Labels["app"], Is.EqualTo("web"));
            Assert.That(api.Created[0].Metadata.OwnerReferences.Single().Kind, Is.EqualTo("ReplicaSet"));
            Assert.That(api.Created[0].Spec.Containers[0].Image, Is.EqualTo("nginx"));
            Assert.That(api.Events, Has.Exactly(3).StartsWith("Normal SuccessfulCreate Created pod: web-abc-"));
        });
    }

    [Test]
    public async Task ExpectationsUnmet_CreatesNothing_ButWritesStatus()
    {
        var rs = Rs(replicas: 3);
        var api = new FakeReplicaSetActions();
        await new ReplicaSetSync(_time).SyncAsync(rs, Ref(rs), [PodRankingTests.Pod("p1")], [], expectationsSatisfied: false, api, CancellationToken.None);
        Assert.That(api.Created, Is.Empty);
        Assert.That(api.Status!.Status.Replicas, Is.EqualTo(1));
    }

    [Test]
    public async Task QuotaRefusal_OneFailedCreatePerSync_ReplicaFailureCondition_ErrorForBackoff()
    {
        var rs = Rs(replicas: 5);
        var api = new FakeReplicaSetActions
        {
            FailCreate = _ => FakeDeploymentActions.Error(HttpStatusCode.Forbidden, "Forbidden", "pods \"web-abc-x\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2"),
        };
        var e = Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => SyncAsync(rs, [], api));
        Assert.That(e, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(api.Events, Has.Count.EqualTo(1), "the slow start stops at the first failing batch of one");
            Assert.That(api.Events[0], Does.StartWith("Warning FailedCreate Error creating: pods \"web-abc-x\" is forbidden: exceeded quota"));
            Assert.That(api.Expected, Is.Zero, "the skipped creates are not expected");
            var failure = api.Status!.Status.Conditions.Single();
            Assert.That(failure.Type, Is.EqualTo("ReplicaFailure"));
            Assert.That(failure.Reason, Is.EqualTo("FailedCreate"));
            Assert.That(failure.Message, Does.Contain("exceeded quota"));
        });

        // A clean sync later clears the condition.
        rs.Status = api.Status!.Status;
        var ok = new FakeReplicaSetActions();
        await SyncAsync(rs, [], ok);
        Assert.That(ok.Status!.Status.Conditions, Is.Null);
    }

    [Test]
    public async Task SlowStart_StopsAtFirstFailingBatch()
    {
        var rs = Rs(replicas: 20);
        var count = 0;
        var api = new FakeReplicaSetActions { FailCreate = _ => Interlocked.Increment(ref count) > 3 ? new InvalidOperationException("full") : null };
        Assert.ThrowsAsync<InvalidOperationException>(() => SyncAsync(rs, [], api));
        // Batches 1, 2 succeed (3 pods), the batch of 4 fails entirely.
        Assert.That(api.Created, Has.Count.EqualTo(3));
        Assert.That(count, Is.EqualTo(7));
    }

    [Test]
    public async Task TooMany_DeletesNotReadyFirst()
    {
        var rs = Rs(replicas: 2);
        var pods = new List<V1Pod> { PodRankingTests.Pod("ready1"), PodRankingTests.Pod("sick", ready: false), PodRankingTests.Pod("ready2"), PodRankingTests.Pod("pending", phase: "Pending", ready: false) };
        var api = new FakeReplicaSetActions();
        await SyncAsync(rs, pods, api);
        Assert.That(api.Deleted, Is.EquivalentTo(new[] { "pending", "sick" }));
        Assert.That(api.ExpectedDeletes, Is.EquivalentTo(new[] { "default/pending", "default/sick" }));
        Assert.That(api.Events, Has.Exactly(2).StartsWith("Normal SuccessfulDelete Deleted pod: "));
    }

    [Test]
    public async Task Status_CountsReadyAndAvailableWithMinReadySeconds_AndAsksForARequeue()
    {
        var rs = Rs(replicas: 2);
        rs.Spec.MinReadySeconds = 10;
        var pods = new List<V1Pod> { PodRankingTests.Pod("old", readySince: Now.AddMinutes(-5)), PodRankingTests.Pod("fresh", readySince: Now.AddSeconds(-3)) };
        var api = new FakeReplicaSetActions();
        var requeue = await SyncAsync(rs, pods, api);
        Assert.Multiple(() =>
        {
            Assert.That(api.Status!.Status.Replicas, Is.EqualTo(2));
            Assert.That(api.Status.Status.ReadyReplicas, Is.EqualTo(2));
            Assert.That(api.Status.Status.AvailableReplicas, Is.EqualTo(1));
            Assert.That(api.Status.Status.FullyLabeledReplicas, Is.EqualTo(0), "the fixtures' pods carry no template labels");
            Assert.That(api.Status.Status.ObservedGeneration, Is.EqualTo(1));
            Assert.That(requeue, Is.EqualTo(TimeSpan.FromSeconds(8)));
        });
    }

    [Test]
    public async Task SteadyState_WritesNothing()
    {
        var rs = Rs(replicas: 0);
        rs.Status = new V1ReplicaSetStatus { Replicas = 0, ObservedGeneration = 1 };
        var api = new FakeReplicaSetActions();
        await SyncAsync(rs, [], api);
        Assert.That(api.Status, Is.Null);
    }

    private Task<TimeSpan?> SyncAsync(V1ReplicaSet rs, List<V1Pod> pods, FakeReplicaSetActions api) =>
        new ReplicaSetSync(_time).SyncAsync(rs, Ref(rs), pods, pods, expectationsSatisfied: true, api, CancellationToken.None);

    private static V1OwnerReference Ref(V1ReplicaSet rs) => ControllerRefs.For(rs, "apps/v1", "ReplicaSet");

    private static V1ReplicaSet Rs(int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default", Uid = "rs-uid", Generation = 1 },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
            },
        },
        Status = new V1ReplicaSetStatus { Replicas = 0 },
    };
}
