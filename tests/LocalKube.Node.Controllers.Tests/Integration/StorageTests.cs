using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>
/// The default StorageClass, the hostPath provisioner, the PV/PVC binder and volume protection, on the agent.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StorageTests
{
    private WorkloadAgent _w = null!;

    private string Root => Path.Combine(_w.Agent.Options.DataDir, "pv");

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task DefaultClass_ClaimProvisionedAndBound_DeletingItReclaimsTheVolume()
    {
        var sc = await _w.KubectlOkAsync("get", "storageclass");
        Assert.That(sc, Does.Match(@"standard \(default\)\s+k8s.io/minikube-hostpath\s+Delete\s+Immediate"));

        var ns = await _w.NamespaceAsync("pvc");
        await _w.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", null), ns);
        var claim = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns), c => c.Status?.Phase == "Bound", "the claim Bound");
        var volume = await _w.Admin.CoreV1.ReadPersistentVolumeAsync(claim.Spec.VolumeName);
        var dir = Path.Combine(Root, ns, "data");
        Assert.Multiple(() =>
        {
            Assert.That(claim.Spec.StorageClassName, Is.EqualTo("standard"));
            Assert.That(claim.Status.Capacity["storage"].ToString(), Is.EqualTo("1Gi"));
            Assert.That(volume.Status.Phase, Is.EqualTo("Bound"));
            Assert.That(volume.Spec.HostPath.Path, Is.EqualTo(dir));
            Assert.That(volume.Spec.PersistentVolumeReclaimPolicy, Is.EqualTo("Delete"));
            Assert.That(Directory.Exists(dir), Is.True);
        });
        var events = await _w.Admin.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=data");
        Assert.That(events.Items.Select(e => e.Reason), Does.Contain("ProvisioningSucceeded"));

        await _w.KubectlOkAsync("delete", "pvc/data", "-n", ns, "--timeout=60s");
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListPersistentVolumeAsync(), l => l.Items.All(v => v.Metadata.Name != volume.Metadata.Name), "the volume reclaimed");
        Assert.That(Directory.Exists(dir), Is.False);
    }

    [Test]
    public async Task WaitForFirstConsumer_PendingUntilANodeIsSelected_RetainKeepsTheVolume()
    {
        await _w.Admin.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "late" },
            Provisioner = "k8s.io/minikube-hostpath",
            ReclaimPolicy = "Retain",
            VolumeBindingMode = "WaitForFirstConsumer",
        });
        var ns = await _w.NamespaceAsync("wffc");
        await _w.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("late", "late"), ns);
        await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: "involvedObject.name=late"), l => l.Items.Any(e => e.Reason == "WaitForFirstConsumer"), "the WaitForFirstConsumer event");
        var pending = await _w.Admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("late", ns);
        Assert.That(pending.Status.Phase, Is.EqualTo("Pending"));

        // What the scheduler does for a pod using the claim.
        var patch = new V1Patch($"{{\"metadata\":{{\"annotations\":{{\"volume.kubernetes.io/selected-node\":\"{_w.NodeName}\"}}}}}}", V1Patch.PatchType.MergePatch);
        await _w.Admin.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(patch, "late", ns);
        var bound = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("late", ns), c => c.Status?.Phase == "Bound", "the claim Bound");

        await _w.KubectlOkAsync("delete", "pvc/late", "-n", ns, "--timeout=60s");
        var released = await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ReadPersistentVolumeAsync(bound.Spec.VolumeName), v => v.Status?.Phase == "Released", "the volume Released");
        Assert.That(Directory.Exists(released.Spec.HostPath.Path), Is.True, "Retain keeps the data");
        await _w.Admin.CoreV1.DeletePersistentVolumeAsync(released.Metadata.Name);
    }

    [Test]
    public async Task ClaimInUse_StaysUntilItsPodIsGone()
    {
        var ns = await _w.NamespaceAsync("inuse");
        await _w.Admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("used", null), ns);
        await _w.Admin.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = "user" },
                Spec = new V1PodSpec
                {
                    NodeName = _w.NodeName,
                    Containers = [new V1Container { Name = "c", Image = "nginx" }],
                    Volumes = [new V1Volume { Name = "v", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "used" } }],
                },
            },
            ns);
        await _w.Admin.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("used", ns);
        await Task.Delay(1500);
        var held = await _w.Admin.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("used", ns);
        Assert.That(held.Metadata.DeletionTimestamp, Is.Not.Null);

        await _w.Admin.CoreV1.DeleteNamespacedPodAsync("user", ns);
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns), l => l.Items.Count == 0, "the claim gone with its pod");
    }

    private static V1PersistentVolumeClaim Claim(string name, string? storageClass) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = storageClass,
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };
}
