using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Integration;

/// <summary>Cascading deletes through the agent's garbage collector, driven by the real kubectl.</summary>
[TestFixture]
[NonParallelizable]
public sealed class GarbageCollectorTests
{
    private WorkloadAgent _w = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _w = await WorkloadAgent.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _w.DisposeAsync();

    [Test]
    public async Task Background_DeleteDeployment_TakesItsReplicaSetAndPods()
    {
        var ns = await RunningDeploymentAsync("bg");
        await _w.KubectlOkAsync("delete", "deployment/web", "-n", ns);
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.AppsV1.ListNamespacedReplicaSetAsync(ns), l => l.Items.Count == 0, "the ReplicaSet collected");
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedPodAsync(ns), l => l.Items.Count == 0, "the pods collected");
    }

    [Test]
    public async Task Orphan_DeleteDeployment_KeepsReplicaSetAndPodsWithoutTheReference()
    {
        var ns = await RunningDeploymentAsync("orphan");
        await _w.KubectlOkAsync("delete", "deployment/web", "-n", ns, "--cascade=orphan");
        var sets = await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.AppsV1.ListNamespacedReplicaSetAsync(ns), l => l.Items.Count == 1 && (l.Items[0].Metadata.OwnerReferences?.Count ?? 0) == 0, "the ReplicaSet released");
        await Task.Delay(1000);
        var pods = await _w.Admin.CoreV1.ListNamespacedPodAsync(ns);
        Assert.Multiple(() =>
        {
            Assert.That(pods.Items.Count(p => p.Metadata.DeletionTimestamp is null), Is.EqualTo(2), "the pods stay");
            Assert.That(pods.Items.All(p => p.Metadata.OwnerReferences.Single().Uid == sets.Items[0].Metadata.Uid), Is.True, "still owned by the ReplicaSet");
        });
        Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _w.Admin.AppsV1.ReadNamespacedDeploymentAsync("web", ns), "the orphan finalizer was removed");
    }

    [Test]
    public async Task Foreground_DeleteDeployment_OwnerGoesLast()
    {
        var ns = await RunningDeploymentAsync("fg");
        var output = await _w.KubectlOkAsync("delete", "deployment/web", "-n", ns, "--cascade=foreground", "--timeout=60s");
        Assert.That(output, Does.Contain("deployment.apps \"web\" deleted"));

        // kubectl waited for the Deployment itself, which waits for its blocking dependents.
        var sets = await _w.Admin.AppsV1.ListNamespacedReplicaSetAsync(ns);
        var pods = await _w.Admin.CoreV1.ListNamespacedPodAsync(ns);
        Assert.Multiple(() =>
        {
            Assert.That(sets.Items, Is.Empty);
            Assert.That(pods.Items, Is.Empty);
        });
    }

    [Test]
    public async Task DanglingAndCrossNamespaceOwners_DependentDeleted_ClusterScopedOwnerHonoured()
    {
        var ns = await _w.NamespaceAsync("dangle");
        var other = await _w.NamespaceAsync("other");
        var ownerElsewhere = await _w.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, other);
        var role = await _w.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "gc-owner-" + ns } });

        // No such owner anywhere; an owner that lives in another namespace (resolved in the dependent's: absent);
        // a cluster-scoped owner, which a namespaced dependent may have.
        await ConfigMapAsync(ns, "dangling", Ref("v1", "ConfigMap", "ghost", Guid.NewGuid().ToString()));
        await ConfigMapAsync(ns, "cross", Ref("v1", "ConfigMap", "owner", ownerElsewhere.Metadata.Uid));
        await ConfigMapAsync(ns, "by-role", Ref("rbac.authorization.k8s.io/v1", "ClusterRole", role.Metadata.Name, role.Metadata.Uid));

        await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.CoreV1.ListNamespacedConfigMapAsync(ns), l => !l.Items.Any(c => c.Metadata.Name is "dangling" or "cross"), "dangling dependents collected");
        Assert.That((await _w.Admin.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Select(c => c.Metadata.Name), Does.Contain("by-role"));

        await _w.Admin.RbacAuthorizationV1.DeleteClusterRoleAsync(role.Metadata.Name);
        await WorkloadAgent.EventuallyAsync(
            () => _w.Admin.CoreV1.ListNamespacedConfigMapAsync(ns), l => l.Items.All(c => c.Metadata.Name != "by-role"), "the cluster-scoped owner's dependent collected");
        Assert.That((await _w.Admin.CoreV1.ListNamespacedConfigMapAsync(other)).Items.Select(c => c.Metadata.Name), Does.Contain("owner"), "the other namespace's object is untouched");
    }

    [Test]
    public async Task OwnerReferenceCycle_ForegroundDelete_Finishes()
    {
        var ns = await _w.NamespaceAsync("cycle");
        var a = await _w.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, ns);
        var b = await ConfigMapAsync(ns, "b", Ref("v1", "ConfigMap", "a", a.Metadata.Uid, block: true));
        a.Metadata.OwnerReferences = [Ref("v1", "ConfigMap", "b", b.Metadata.Uid, block: true)];
        await _w.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", ns);

        await _w.KubectlOkAsync("delete", "configmap/a", "-n", ns, "--cascade=foreground", "--timeout=60s");
        await WorkloadAgent.EventuallyAsync(() => _w.Admin.CoreV1.ListNamespacedConfigMapAsync(ns), l => l.Items.All(c => c.Metadata.Name is not ("a" or "b")), "the cycle collected");
    }

    private static V1OwnerReference Ref(string apiVersion, string kind, string name, string uid, bool block = false) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid, BlockOwnerDeletion = block ? true : null };

    private Task<V1ConfigMap> ConfigMapAsync(string ns, string name, V1OwnerReference owner) =>
        _w.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, OwnerReferences = [owner] } }, ns);

    private async Task<string> RunningDeploymentAsync(string prefix)
    {
        var ns = await _w.NamespaceAsync(prefix);
        await _w.Admin.AppsV1.CreateNamespacedDeploymentAsync(DeploymentControllerTests.Deployment("web", 2, "nginx:1"), ns);
        await _w.KubectlOkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");
        return ns;
    }
}
