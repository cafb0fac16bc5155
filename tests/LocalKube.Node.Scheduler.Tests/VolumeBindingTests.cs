using k8s.Models;
using LocalKube.Node.Scheduler.Framework;
using LocalKube.Node.Machinery.Volumes;
using LocalKube.Node.Scheduler.Plugins;
using static LocalKube.Node.Scheduler.Tests.Objects;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>The VolumeBinding filter and the plan it leaves for the binding cycle.</summary>
[TestFixture]
[Category("Unit")]
public sealed class VolumeBindingTests
{
    private FakeListers _listers = null!;

    [SetUp]
    public void SetUp()
    {
        _listers = new FakeListers();
        _listers.Classes.Add(Class("standard", "Immediate", "k8s.io/minikube-hostpath"));
        _listers.Classes.Add(Class("late", "WaitForFirstConsumer", "k8s.io/minikube-hostpath"));
        _listers.Classes.Add(Class("local", "WaitForFirstConsumer", VolumeBinding.NoProvisioner));
    }

    [Test]
    public void UnboundImmediateClaim_RejectsEverywhere()
    {
        _listers.Claims.Add(Claim("data", "standard"));
        Assert.That(Run(PodWith("data")).FailureMessage, Is.EqualTo(
            "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.."));
    }

    [Test]
    public void DeletingClaim_Rejected()
    {
        var claim = Claim("data", "late");
        claim.Metadata.DeletionTimestamp = DateTime.UtcNow;
        _listers.Claims.Add(claim);
        Assert.That(Run(PodWith("data")).FailureMessage, Does.StartWith("0/1 nodes are available: persistentvolumeclaim \"data\" is being deleted."));
    }

    [Test]
    public void WaitForFirstConsumer_WithProvisioner_PlansAProvision()
    {
        _listers.Claims.Add(Claim("data", "late"));
        var result = Run(PodWith("data"));
        Assert.That(result.NodeName, Is.EqualTo("minikube"));
        var plan = VolumeBinding.PlanFor(result.State, "minikube")!;
        Assert.Multiple(() =>
        {
            Assert.That(plan.Provisions.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "data" }));
            Assert.That(plan.StaticBindings, Is.Empty);
            Assert.That(plan.Claims, Is.EqualTo(new[] { ("default", "data") }));
        });
    }

    [Test]
    public void WaitForFirstConsumer_PrefersTheSmallestMatchingVolume()
    {
        _listers.Claims.Add(Claim("data", "local", "1Gi"));
        _listers.Pvs.Add(Volume("big", "local", "10Gi"));
        _listers.Pvs.Add(Volume("small", "local", "2Gi"));
        _listers.Pvs.Add(Volume("tiny", "local", "512Mi"));
        var result = Run(PodWith("data"));
        var plan = VolumeBinding.PlanFor(result.State, "minikube")!;
        Assert.That(plan.StaticBindings.Select(b => b.Volume.Metadata.Name), Is.EqualTo(new[] { "small" }));
    }

    [Test]
    public void WaitForFirstConsumer_NoVolumeNoProvisioner_BindConflict()
    {
        _listers.Claims.Add(Claim("data", "local"));
        Assert.That(Run(PodWith("data")).FailureMessage, Does.StartWith(
            "0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind."));
    }

    [Test]
    public void BoundVolume_WithNodeAffinityForAnotherNode_Conflicts()
    {
        var claim = Claim("data", "late");
        claim.Spec.VolumeName = "pv1";
        _listers.Claims.Add(claim);
        var pv = Volume("pv1", "late", "1Gi");
        pv.Spec.NodeAffinity = new V1VolumeNodeAffinity
        {
            Required = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["elsewhere"] }] }],
            },
        };
        _listers.Pvs.Add(pv);
        Assert.That(Run(PodWith("data")).FailureMessage, Does.StartWith("0/1 nodes are available: 1 node(s) had volume node affinity conflict."));
    }

    [Test]
    public void BoundToMissingVolume_Rejected()
    {
        var claim = Claim("data", "late");
        claim.Spec.VolumeName = "gone";
        _listers.Claims.Add(claim);
        Assert.That(Run(PodWith("data")).FailureMessage, Does.StartWith(
            "0/1 nodes are available: 1 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)."));
    }

    [Test]
    public void EphemeralVolume_ClaimNotOwnedByThePod_Rejected()
    {
        var pod = Pod("p");
        pod.Spec.Volumes = [new V1Volume { Name = "scratch", Ephemeral = new V1EphemeralVolumeSource() }];
        _listers.Claims.Add(Claim("p-scratch", "late"));
        Assert.That(Run(pod).FailureMessage, Does.StartWith(
            "0/1 nodes are available: PVC default/p-scratch was not created for pod default/p (pod is not owner)."));
    }

    [Test]
    public void Matcher_SkipsVolumesOfOtherClassesModesOrClaims()
    {
        var claim = Claim("data", "local", "1Gi");
        var wrongClass = Volume("a", "other", "1Gi");
        var wrongMode = Volume("b", "local", "1Gi");
        wrongMode.Spec.AccessModes = ["ReadOnlyMany"];
        var taken = Volume("c", "local", "1Gi");
        taken.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "someone-else" };
        var preBound = Volume("d", "whatever", "100Gi");
        preBound.Spec.ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "data" };
        Assert.Multiple(() =>
        {
            Assert.That(VolumeMatcher.FindMatch(claim, [wrongClass, wrongMode, taken]), Is.Null);
            Assert.That(VolumeMatcher.FindMatch(claim, [wrongClass, preBound])?.Metadata.Name, Is.EqualTo("d"));
        });
    }

    private ScheduleResult Run(V1Pod pod) =>
        SchedulingFramework.CreateDefault().Schedule(new PodInfo(pod), Snapshot(_listers, Info(MakeNode())));

    private static V1Pod PodWith(string claim)
    {
        var pod = Pod("p");
        pod.Spec.Volumes = [new V1Volume { Name = "v", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
        return pod;
    }

    private static V1StorageClass Class(string name, string mode, string provisioner) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Provisioner = provisioner,
        VolumeBindingMode = mode,
    };

    private static V1PersistentVolumeClaim Claim(string name, string storageClass, string size = "1Gi") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = storageClass,
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    private static V1PersistentVolume Volume(string name, string storageClass, string size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            StorageClassName = storageClass,
            AccessModes = ["ReadWriteOnce"],
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
        },
        Status = new V1PersistentVolumeStatus { Phase = "Available" },
    };
}
