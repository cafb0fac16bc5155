using k8s.Models;
using LocalKube.Node.Controllers.PersistentVolume;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.PersistentVolume;

[TestFixture]
[Category("Unit")]
public sealed class VolumeBinderTests
{
    private static readonly V1StorageClass Standard = new()
    {
        Metadata = new V1ObjectMeta { Name = "standard" }, Provisioner = "k8s.io/minikube-hostpath", VolumeBindingMode = "Immediate",
    };

    private static readonly V1StorageClass Late = new()
    {
        Metadata = new V1ObjectMeta { Name = "late" }, Provisioner = "k8s.io/minikube-hostpath", VolumeBindingMode = "WaitForFirstConsumer",
    };

    [Test]
    public void Immediate_NoVolume_HandedToTheProvisioner_OnceAnnotated()
    {
        var action = VolumeBinder.SyncClaim(Claim("standard"), [], Class);
        Assert.Multiple(() =>
        {
            Assert.That(action.ProvisionWith, Is.EqualTo("k8s.io/minikube-hostpath"));
            Assert.That(action.Event?.Reason, Is.EqualTo("ExternalProvisioning"));
            Assert.That(action.Event?.Message, Is.EqualTo(
                "Waiting for a volume to be created either by the external provisioner 'k8s.io/minikube-hostpath' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."));
        });

        var annotated = Claim("standard");
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["volume.kubernetes.io/storage-provisioner"] = "k8s.io/minikube-hostpath" };
        Assert.That(VolumeBinder.SyncClaim(annotated, [], Class).ProvisionWith, Is.Null);
    }

    [Test]
    public void WaitForFirstConsumer_WaitsUntilANodeIsSelected()
    {
        var waiting = VolumeBinder.SyncClaim(Claim("late"), [Volume("pv", "late")], Class);
        Assert.That(waiting.Event, Is.EqualTo(("Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding")));
        Assert.That(waiting.BindTo, Is.Null, "the scheduler picks unbound volumes for delayed claims");

        var selected = Claim("late");
        selected.Metadata.Annotations = new Dictionary<string, string> { ["volume.kubernetes.io/selected-node"] = "minikube" };
        Assert.That(VolumeBinder.SyncClaim(selected, [], Class).ProvisionWith, Is.EqualTo("k8s.io/minikube-hostpath"));
    }

    [Test]
    public void MatchingVolume_Bound_BothSidesMarked()
    {
        var claim = Claim("standard");
        var action = VolumeBinder.SyncClaim(claim, [Volume("pv", "standard")], Class);
        Assert.That(action.BindTo?.Metadata.Name, Is.EqualTo("pv"));

        var volume = VolumeBinder.BindVolume(action.BindTo!, claim);
        var bound = VolumeBinder.BindClaim(claim, volume);
        Assert.Multiple(() =>
        {
            Assert.That(volume.Spec.ClaimRef.Uid, Is.EqualTo("claim-uid"));
            Assert.That(volume.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"], Is.EqualTo("yes"));
            Assert.That(bound.Spec.VolumeName, Is.EqualTo("pv"));
            Assert.That(bound.Metadata.Annotations["pv.kubernetes.io/bind-completed"], Is.EqualTo("yes"));
            Assert.That(VolumeBinder.BoundStatus(bound, volume).Capacity["storage"].ToString(), Is.EqualTo("2Gi"));
        });
    }

    [Test]
    public void NoClassNoVolume_FailedBinding()
    {
        var action = VolumeBinder.SyncClaim(Claim(""), [], Class);
        Assert.That(action.Event, Is.EqualTo(("Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set")));
    }

    [Test]
    public void BoundClaimWhoseVolumeVanished_Lost()
    {
        var claim = Claim("standard");
        claim.Spec.VolumeName = "gone";
        claim.Metadata.Annotations = new Dictionary<string, string> { ["pv.kubernetes.io/bind-completed"] = "yes" };
        Assert.That(VolumeBinder.SyncClaim(claim, [], Class).Phase, Is.EqualTo("Lost"));
    }

    [Test]
    public void Volume_FollowsItsClaim_ReleasedWhenTheClaimIsGone()
    {
        var volume = Volume("pv", "standard");
        Assert.That(VolumeBinder.SyncVolume(volume, (_, _) => null).Phase, Is.Null, "Available already");

        var claim = Claim("standard");
        VolumeBinder.BindVolume(volume, claim);
        Assert.That(VolumeBinder.SyncVolume(volume, (_, _) => claim), Is.EqualTo(VolumeAction.None), "the claim has not caught up");
        claim.Spec.VolumeName = "pv";
        Assert.That(VolumeBinder.SyncVolume(volume, (_, _) => claim).Phase, Is.EqualTo("Bound"));
        Assert.That(VolumeBinder.SyncVolume(volume, (_, _) => null).Phase, Is.EqualTo("Released"));

        var recreated = Claim("standard");
        recreated.Metadata.Uid = "new-uid";
        Assert.That(VolumeBinder.SyncVolume(volume, (_, _) => recreated).Phase, Is.EqualTo("Released"), "a claim with the same name is not the same claim");
    }

    private static V1StorageClass? Class(string name) => name switch { "standard" => Standard, "late" => Late, _ => null };

    private static V1PersistentVolumeClaim Claim(string storageClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default", Uid = "claim-uid", ResourceVersion = "5" },
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = storageClass,
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
        Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" },
    };

    private static V1PersistentVolume Volume(string name, string storageClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            StorageClassName = storageClass, AccessModes = ["ReadWriteOnce"],
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("2Gi") },
            HostPath = new V1HostPathVolumeSource { Path = "/data" },
        },
        Status = new V1PersistentVolumeStatus { Phase = "Available" },
    };
}
