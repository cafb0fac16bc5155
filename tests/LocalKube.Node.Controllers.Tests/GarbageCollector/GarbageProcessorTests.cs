using k8s.Models;
using LocalKube.Node.Controllers.GarbageCollector;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.GarbageCollector;

/// <summary>Cascading deletes end to end over a fake API: background, orphan, foreground, and the odd cases.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GarbageProcessorTests
{
    private FakeCluster _cluster = null!;

    [SetUp]
    public void SetUp() => _cluster = new FakeCluster();

    [Test]
    public async Task Background_OwnerGone_DependentsDeleted()
    {
        Deployment();
        await _cluster.SettleAsync();
        _cluster.UserDelete("d", "Background");
        await _cluster.SettleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(_cluster.Exists("rs"), Is.False);
            Assert.That(_cluster.Exists("p1") || _cluster.Exists("p2"), Is.False);
            Assert.That(_cluster.Deletes, Does.Contain(("rs", "Background")));
        });
    }

    [Test]
    public async Task Orphan_DependentsKeptWithoutTheReference()
    {
        Deployment();
        await _cluster.SettleAsync();
        _cluster.UserDelete("rs", "Orphan");
        await _cluster.SettleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(_cluster.Exists("rs"), Is.False, "the orphan finalizer was removed");
            Assert.That(_cluster.Meta("p1").OwnerReferences, Is.Null);
            Assert.That(_cluster.Meta("p2").OwnerReferences, Is.Null);
            Assert.That(_cluster.Deletes, Is.Empty);
        });
    }

    [Test]
    public async Task Foreground_OwnerWaitsForTheWholeTree()
    {
        Deployment();
        await _cluster.SettleAsync();
        _cluster.UserDelete("d", "Foreground");
        await _cluster.SettleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(_cluster.Exists("d") || _cluster.Exists("rs") || _cluster.Exists("p1"), Is.False);
            Assert.That(_cluster.Deletes, Does.Contain(("rs", "Foreground")), "an owner that has dependents is deleted in the foreground too");
            Assert.That(_cluster.Deletes, Does.Contain(("p1", "Background")));
        });
    }

    [Test]
    public async Task Foreground_NonBlockingDependentDoesNotHoldTheOwner()
    {
        _cluster.Add(Id("ConfigMap", "owner", "o"));
        _cluster.Add(Id("ConfigMap", "loose", "l"), Ref("ConfigMap", "owner", "o", block: false, apiVersion: "v1"));
        await _cluster.SettleAsync();
        _cluster.UserDelete("o", "Foreground");
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("o"), Is.False);
        Assert.That(_cluster.Exists("l"), Is.False, "still collected, just not waited for");
    }

    [Test]
    public async Task OneOwnerGone_OneSolid_ReferencePatchedOut()
    {
        _cluster.Add(Id("ConfigMap", "a", "a"));
        _cluster.Add(Id("ConfigMap", "b", "b"));
        _cluster.Add(Id("ConfigMap", "child", "c"), Ref("ConfigMap", "a", "a", apiVersion: "v1"), Ref("ConfigMap", "b", "b", apiVersion: "v1"));
        await _cluster.SettleAsync();
        _cluster.UserDelete("a", "Background");
        await _cluster.SettleAsync();
        Assert.That(_cluster.Meta("c").OwnerReferences.Select(r => r.Uid), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task DanglingOwnerFromTheStart_DependentCollected()
    {
        _cluster.Add(Id("ConfigMap", "child", "c"), Ref("ConfigMap", "never-existed", "ghost", apiVersion: "v1"));
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("c"), Is.False);
        Assert.That(_cluster.Processor.Count, Is.Zero, "the virtual owner left the graph");
    }

    [Test]
    public async Task OwnerInAnotherNamespace_ReadsAsAbsent_DependentDeleted_AndReported()
    {
        _cluster.Add(Id("ConfigMap", "owner", "o", ns: "other"));
        _cluster.Add(Id("ConfigMap", "child", "c"), Ref("ConfigMap", "owner", "o", apiVersion: "v1"));
        await _cluster.SettleAsync();
        Assert.Multiple(() =>
        {
            Assert.That(_cluster.Exists("c"), Is.False);
            Assert.That(_cluster.Exists("o"), Is.True);
            Assert.That(_cluster.Events.Single().Message, Is.EqualTo("ownerRef [v1/ConfigMap, namespace: default, name: owner, uid: o] does not exist in namespace \"default\""));
        });
    }

    [Test]
    public async Task ClusterScopedDependentOfANamespacedOwner_NeverDeleted()
    {
        _cluster.Add(Id("ConfigMap", "owner", "o"));
        _cluster.Add(Id("PersistentVolume", "pv", "pv", ns: ""), Ref("ConfigMap", "owner", "o", apiVersion: "v1"));
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("pv"), Is.True);
        Assert.That(_cluster.Events.Select(e => e.Reason), Does.Contain("OwnerRefInvalidNamespace"));
    }

    [Test]
    public async Task Cycle_BothKept_UntilOneGoes()
    {
        _cluster.Add(Id("ConfigMap", "a", "a"), Ref("ConfigMap", "b", "b", apiVersion: "v1"));
        _cluster.Add(Id("ConfigMap", "b", "b"), Ref("ConfigMap", "a", "a", apiVersion: "v1"));
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("a") && _cluster.Exists("b"), Is.True);
        _cluster.UserDelete("a", "Background");
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("b"), Is.False);
    }

    [Test]
    public async Task ForegroundCycle_TerminatesWithoutHanging()
    {
        _cluster.Add(Id("ConfigMap", "a", "a"), Ref("ConfigMap", "b", "b", apiVersion: "v1"));
        _cluster.Add(Id("ConfigMap", "b", "b"), Ref("ConfigMap", "a", "a", apiVersion: "v1"));
        await _cluster.SettleAsync();
        _cluster.UserDelete("a", "Foreground");
        await _cluster.SettleAsync();
        Assert.That(_cluster.Exists("a") || _cluster.Exists("b"), Is.False);
    }

    private void Deployment()
    {
        _cluster.Add(Id("Deployment", "web", "d", apiVersion: "apps/v1"));
        _cluster.Add(Id("ReplicaSet", "rs", "rs", apiVersion: "apps/v1"), Ref("Deployment", "web", "d"));
        _cluster.Add(Id("Pod", "p1", "p1"), Ref("ReplicaSet", "rs", "rs"));
        _cluster.Add(Id("Pod", "p2", "p2"), Ref("ReplicaSet", "rs", "rs"));
    }

    private static ObjectIdentity Id(string kind, string name, string uid, string ns = "default", string apiVersion = "v1") => new(apiVersion, kind, ns, name, uid);

    private static V1OwnerReference Ref(string kind, string name, string uid, bool block = true, string apiVersion = "apps/v1") => new()
    {
        ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid, Controller = true, BlockOwnerDeletion = block,
    };
}
