using k8s.Models;
using LocalKube.Node.Controllers.ReplicaSet;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.ReplicaSet;

[TestFixture]
public sealed class PodRankingTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public void Unscheduled_Before_Scheduled()
    {
        var a = Pod("a", node: "n1");
        var b = Pod("b", node: "");
        Assert.That(First([a, b]), Is.EqualTo("b"));
    }

    [Test]
    public void Pending_Before_Unknown_Before_Running()
    {
        Assert.That(Order([Pod("run", phase: "Running"), Pod("unk", phase: "Unknown"), Pod("pend", phase: "Pending")]), Is.EqualTo(new[] { "pend", "unk", "run" }));
    }

    [Test]
    public void NotReady_Before_Ready()
    {
        Assert.That(First([Pod("ready", ready: true), Pod("notready", ready: false)]), Is.EqualTo("notready"));
    }

    [Test]
    public void LowerDeletionCost_First()
    {
        var cheap = Pod("cheap");
        cheap.Metadata.Annotations = new Dictionary<string, string> { [PodRanking.DeletionCostAnnotation] = "-5" };
        var dear = Pod("dear");
        dear.Metadata.Annotations = new Dictionary<string, string> { [PodRanking.DeletionCostAnnotation] = "10" };
        Assert.That(Order([dear, Pod("plain"), cheap]), Is.EqualTo(new[] { "cheap", "plain", "dear" }));
    }

    [Test]
    public void DoubledUpOnANode_First()
    {
        var lone = Pod("lone", node: "n1");
        var crowded = Pod("crowded", node: "n2");
        var sibling = Pod("sibling", node: "n2");
        var ranked = PodRanking.PodsToDelete([lone, crowded], [lone, crowded, sibling], 1, Now);
        Assert.That(ranked.Single().Metadata.Name, Is.EqualTo("crowded"));
    }

    [Test]
    public void ShorterReadyTime_First_InLogBuckets()
    {
        var old = Pod("old", readySince: Now.AddHours(-5));
        var recent = Pod("recent", readySince: Now.AddSeconds(-10));
        Assert.That(First([old, recent]), Is.EqualTo("recent"));
    }

    [Test]
    public void MoreRestarts_First()
    {
        var flaky = Pod("flaky");
        flaky.Status.ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = 4 }];
        var steady = Pod("steady");
        steady.Status.ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = 0 }];
        Assert.That(First([steady, flaky]), Is.EqualTo("flaky"));
    }

    [Test]
    public void Newer_First_AndSameBucketTiesByUid()
    {
        var older = Pod("older", created: Now.AddDays(-3), uid: "a");
        var newer = Pod("newer", created: Now.AddMinutes(-1), uid: "b");
        Assert.That(First([older, newer]), Is.EqualTo("newer"));

        // 100 s and 101 s old fall in the same power-of-two bucket: the lower UID goes first.
        var x = Pod("x", created: Now.AddSeconds(-100), uid: "zzz");
        var y = Pod("y", created: Now.AddSeconds(-101), uid: "aaa");
        Assert.That(First([x, y]), Is.EqualTo("y"));
    }

    [Test]
    public void AllAreDeleted_WhenCountCoversThem()
    {
        Assert.That(PodRanking.PodsToDelete([Pod("a"), Pod("b")], [], 5, Now), Has.Count.EqualTo(2));
    }

    private static string First(List<V1Pod> pods) => PodRanking.PodsToDelete(pods, pods, 1, Now).Single().Metadata.Name;

    private static string[] Order(List<V1Pod> pods) => PodRanking.PodsToDelete(pods, pods, pods.Count - 1, Now).Select(p => p.Metadata.Name).Append(pods.Select(p => p.Metadata.Name).Except(PodRanking.PodsToDelete(pods, pods, pods.Count - 1, Now).Select(p => p.Metadata.Name)).Single()).ToArray();

    internal static V1Pod Pod(string name, string node = "n1", string phase = "Running", bool ready = true, DateTime? readySince = null, DateTime? created = null, string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Uid = uid ?? "uid-" + name,
            CreationTimestamp = created ?? Now.AddHours(-1),
        },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c" }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = readySince ?? Now.AddHours(-1) }],
        },
    };
}
