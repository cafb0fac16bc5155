using k8s.Models;
using LocalKube.Node.Controllers.GarbageCollector;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.GarbageCollector;

[TestFixture]
[Category("Unit")]
public sealed class OwnerGraphTests
{
    private OwnerGraph _graph = null!;

    [SetUp]
    public void SetUp() => _graph = new OwnerGraph();

    [Test]
    public void DependentBeforeOwner_VirtualOwnerToVerify_ThenObserved()
    {
        var actions = Add(Pod("p", Ref("ReplicaSet", "rs", "rs-uid")));
        var owner = _graph.Find("rs-uid")!;
        Assert.Multiple(() =>
        {
            Assert.That(owner.IsVirtual, Is.True);
            Assert.That(actions.AttemptToDelete, Is.EqualTo(new[] { owner }), "a virtual owner is verified");
            Assert.That(owner.Dependents.Select(d => d.Identity.Name), Is.EqualTo(new[] { "p" }));
        });

        Add(Rs("rs", "rs-uid"));
        Assert.That(owner.IsVirtual || !owner.IsObserved, Is.False);
    }

    [Test]
    public void OwnerDeleted_DependentsChecked_AndOwnerRemembered()
    {
        Add(Rs("rs", "rs-uid"));
        Add(Pod("p", Ref("ReplicaSet", "rs", "rs-uid")));
        var actions = _graph.Apply(new GraphChange(GraphChangeType.Delete, Id("apps/v1", "ReplicaSet", "rs", "rs-uid"), Meta("rs", "rs-uid")));
        Assert.Multiple(() =>
        {
            Assert.That(actions.AttemptToDelete.Select(n => n.Identity.Name), Is.EqualTo(new[] { "p" }));
            Assert.That(_graph.Find("rs-uid"), Is.Null);
            Assert.That(_graph.IsKnownAbsent(Id("apps/v1", "ReplicaSet", "rs", "rs-uid")), Is.True);
        });
    }

    [Test]
    public void OrphanFinalizerOnDeletion_AttemptToOrphan()
    {
        Add(Rs("rs", "rs-uid"));
        var deleting = Meta("rs", "rs-uid");
        deleting.DeletionTimestamp = DateTime.UtcNow;
        deleting.Finalizers = ["orphan"];
        var actions = _graph.Apply(new GraphChange(GraphChangeType.Update, Id("apps/v1", "ReplicaSet", "rs", "rs-uid"), deleting, Meta("rs", "rs-uid")));
        Assert.That(actions.AttemptToOrphan.Select(n => n.Identity.Name), Is.EqualTo(new[] { "rs" }));
    }

    [Test]
    public void ForegroundFinalizerOnDeletion_DependentsAndOwnerQueued_OwnerWaitsForBlockingOnes()
    {
        Add(Rs("rs", "rs-uid"));
        Add(Pod("blocking", Ref("ReplicaSet", "rs", "rs-uid", block: true)));
        Add(Pod("loose", Ref("ReplicaSet", "rs", "rs-uid", block: false)));
        var deleting = Meta("rs", "rs-uid");
        deleting.DeletionTimestamp = DateTime.UtcNow;
        deleting.Finalizers = ["foregroundDeletion"];
        var actions = _graph.Apply(new GraphChange(GraphChangeType.Update, Id("apps/v1", "ReplicaSet", "rs", "rs-uid"), deleting, Meta("rs", "rs-uid")));
        var owner = _graph.Find("rs-uid")!;
        Assert.Multiple(() =>
        {
            Assert.That(owner.DeletingDependents, Is.True);
            Assert.That(actions.AttemptToDelete.Select(n => n.Identity.Name), Is.EquivalentTo(new[] { "blocking", "loose", "rs" }));
            Assert.That(owner.BlockingDependents.Select(n => n.Identity.Name), Is.EqualTo(new[] { "blocking" }));
        });

        var gone = _graph.Apply(new GraphChange(GraphChangeType.Delete, Id("v1", "Pod", "blocking", "uid-blocking", "default"), Meta("blocking", "uid-blocking")));
        Assert.That(gone.AttemptToDelete, Is.EqualTo(new[] { owner }), "the waiting owner is checked again");
    }

    [Test]
    public void ReferenceRemoved_DependentLeavesTheOwner_AndAWaitingOwnerIsRechecked()
    {
        Add(Rs("rs", "rs-uid"));
        Add(Pod("p", Ref("ReplicaSet", "rs", "rs-uid", block: true)));
        var deleting = Meta("rs", "rs-uid");
        deleting.DeletionTimestamp = DateTime.UtcNow;
        deleting.Finalizers = ["foregroundDeletion"];
        _graph.Apply(new GraphChange(GraphChangeType.Update, Id("apps/v1", "ReplicaSet", "rs", "rs-uid"), deleting));
        var released = _graph.Apply(new GraphChange(GraphChangeType.Update, Id("v1", "Pod", "p", "uid-p", "default"), Meta("p", "uid-p")));
        Assert.Multiple(() =>
        {
            Assert.That(_graph.Find("rs-uid")!.Dependents, Is.Empty);
            Assert.That(released.AttemptToDelete.Select(n => n.Identity.Name), Is.EqualTo(new[] { "rs" }));
        });
    }

    [Test]
    public void OwnerObservedInAnotherNamespace_InvalidNamespaceReported()
    {
        Add(new GraphChange(GraphChangeType.Add, Id("v1", "ConfigMap", "cm", "cm-uid", "other"), Meta("cm", "cm-uid", ns: "other")));
        var actions = Add(Pod("p", Ref("ConfigMap", "cm", "cm-uid", apiVersion: "v1")));
        Assert.Multiple(() =>
        {
            Assert.That(actions.InvalidNamespaceReferences.Select(r => (r.Dependent.Identity.Name, r.OwnerUid)), Is.EqualTo(new[] { ("p", "cm-uid") }));
            Assert.That(actions.AttemptToDelete.Select(n => n.Identity.Name), Is.EqualTo(new[] { "p" }));
        });
    }

    [Test]
    public void Cycle_TwoObjectsOwningEachOther_NoInfiniteWork()
    {
        Add(new GraphChange(GraphChangeType.Add, Id("v1", "ConfigMap", "a", "a", "default"), Meta("a", "a", Ref("ConfigMap", "b", "b", apiVersion: "v1"))));
        var actions = Add(new GraphChange(GraphChangeType.Add, Id("v1", "ConfigMap", "b", "b", "default"), Meta("b", "b", Ref("ConfigMap", "a", "a", apiVersion: "v1"))));
        Assert.That(_graph.Find("a")!.Dependents.Single().Identity.Name, Is.EqualTo("b"));
        Assert.That(_graph.Find("b")!.Dependents.Single().Identity.Name, Is.EqualTo("a"));
        Assert.That(actions.AttemptToDelete, Has.Count.LessThanOrEqualTo(1));
    }

    [Test]
    public void VirtualDeleteOfAVirtualOwner_RemovesIt()
    {
        Add(Pod("p", Ref("ReplicaSet", "rs", "rs-uid")));
        var actions = _graph.Apply(new GraphChange(GraphChangeType.Delete, Id("apps/v1", "ReplicaSet", "rs", "rs-uid", "default"), Meta("rs", "rs-uid"), Virtual: true));
        Assert.That(_graph.Find("rs-uid"), Is.Null);
        Assert.That(actions.AttemptToDelete.Select(n => n.Identity.Name), Is.EqualTo(new[] { "p" }));
    }

    [Test]
    public void Decision_SolidOwnerKeeps_DanglingRemovedFromTheList()
    {
        var node = Add(Pod("p")).AttemptToDelete.FirstOrDefault() ?? _graph.Find("uid-p")!;
        Assert.That(Decision.For(node, [("a", OwnerState.Solid)], null), Is.EqualTo(Decision.Keep));
        var patch = Decision.For(node, [("a", OwnerState.Solid), ("b", OwnerState.Dangling), ("c", OwnerState.Waiting)], null);
        Assert.That((patch.Kind, patch.OwnerUids), Is.EqualTo((DecisionKind.RemoveReferences, (IReadOnlyList<string>)new[] { "b", "c" })).Using<(DecisionKind, IReadOnlyList<string>)>(
            (x, y) => x.Item1 == y.Item1 && x.Item2.SequenceEqual(y.Item2)));
    }

    [TestCase(null, "Background")]
    [TestCase("orphan", "Orphan")]
    [TestCase("foregroundDeletion", "Foreground")]
    public void Decision_AllOwnersGone_DeletedAsItsFinalizersSay(string? finalizer, string policy)
    {
        Add(Pod("p"));
        var decision = Decision.For(_graph.Find("uid-p")!, [("a", OwnerState.Dangling)], finalizer is null ? null : [finalizer]);
        Assert.That((decision.Kind, decision.Propagation), Is.EqualTo((DecisionKind.Delete, policy)));
    }

    [Test]
    public void Decision_WaitingOwnerAndOwnDependents_ForegroundDelete()
    {
        Add(Rs("rs", "rs-uid"));
        Add(Pod("p", Ref("ReplicaSet", "rs", "rs-uid")));
        var rs = _graph.Find("rs-uid")!;
        var decision = Decision.For(rs, [("deploy", OwnerState.Waiting)], null);
        Assert.That((decision.Kind, decision.Propagation, decision.UnblockFirst), Is.EqualTo((DecisionKind.Delete, "Foreground", false)));
    }

    private GraphActions Add(GraphChange change) => _graph.Apply(change);

    private static GraphChange Pod(string name, params V1OwnerReference[] owners) =>
        new(GraphChangeType.Add, Id("v1", "Pod", name, "uid-" + name, "default"), Meta(name, "uid-" + name, owners));

    private static GraphChange Rs(string name, string uid) =>
        new(GraphChangeType.Add, Id("apps/v1", "ReplicaSet", name, uid, "default"), Meta(name, uid));

    private static ObjectIdentity Id(string apiVersion, string kind, string name, string uid, string ns = "default") => new(apiVersion, kind, ns, name, uid);

    private static V1ObjectMeta Meta(string name, string uid, params V1OwnerReference[] owners) => Meta(name, uid, "default", owners);

    private static V1ObjectMeta Meta(string name, string uid, string ns, params V1OwnerReference[] owners) => new()
    {
        Name = name, Uid = uid, NamespaceProperty = ns, OwnerReferences = owners.Length == 0 ? null : [.. owners],
    };

    private static V1OwnerReference Ref(string kind, string name, string uid, bool block = true, string apiVersion = "apps/v1") => new()
    {
        ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid, Controller = true, BlockOwnerDeletion = block,
    };
}
