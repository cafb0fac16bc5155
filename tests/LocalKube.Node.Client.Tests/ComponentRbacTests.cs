using System.Net;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Client.Tests;

/// <summary>
/// Each component identity may do what upstream's may and no more: the bootstrap roles bound to it (RBAC) and, for
/// a kubelet, the node authorizer and NodeRestriction (its own Node, Lease and pods only; NodeAuthorizerTests has the rest). One API-server-only agent for the fixture.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ComponentRbacTests
{
    private const string Node = "test-node";
    private const string OtherNode = "other-node";
    private TestAgent _agent = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _agent = await TestAgent.StartAsync();
        foreach (var name in new[] { Node, OtherNode })
        {
            await _agent.Admin.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = name } });
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _agent.DisposeAsync();

    [Test]
    public async Task The_scheduler_binds_pods_and_may_not_create_pods_secrets_or_change_nodes()
    {
        var pod = await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("to-bind", null), "default");
        await _agent.Scheduler.CoreV1.CreateNamespacedPodBindingAsync(
            new V1Binding { Metadata = new V1ObjectMeta { Name = pod.Metadata.Name }, Target = new V1ObjectReference { Kind = "Node", Name = Node } },
            pod.Metadata.Name, "default");
        Assert.That((await _agent.Admin.CoreV1.ReadNamespacedPodAsync("to-bind", "default")).Spec.NodeName, Is.EqualTo(Node));

        await ForbiddenAsync("system:kube-scheduler", "create", "secrets", () => _agent.Scheduler.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default"));
        await ForbiddenAsync("system:kube-scheduler", "create", "pods", () => _agent.Scheduler.CoreV1.CreateNamespacedPodAsync(Pod("by-scheduler", Node), "default"));
        await ForbiddenAsync("system:kube-scheduler", "patch", "nodes", () => _agent.Scheduler.CoreV1.PatchNodeAsync(LabelPatch(), Node));
    }

    [Test]
    public async Task The_proxy_watches_services_and_slices_and_may_not_write_them_or_read_secrets()
    {
        Assert.That((await _agent.Proxy.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync()).Items, Is.Not.Null);
        Assert.That((await _agent.Proxy.CoreV1.ListServiceForAllNamespacesAsync()).Items, Has.Some.Matches<V1Service>(s => s.Metadata.Name == "kubernetes"));

        await ForbiddenAsync("system:kube-proxy", "create", "services", () => _agent.Proxy.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "by-proxy" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "default"));
        await ForbiddenAsync("system:kube-proxy", "list", "secrets", () => _agent.Proxy.CoreV1.ListNamespacedSecretAsync("kube-system"));
        await ForbiddenAsync("system:kube-proxy", "patch", "nodes", () => _agent.Proxy.CoreV1.PatchNodeAsync(LabelPatch(), Node));
    }

    [Test]
    public async Task The_controller_manager_identity_lists_everything_and_may_not_create_pods()
    {
        // Upstream's controllers write as their own service accounts; the manager's own identity mostly reads.
        Assert.That((await _agent.ControllerManager.CoreV1.ListPodForAllNamespacesAsync()).Items, Is.Not.Null);
        await ForbiddenAsync("system:kube-controller-manager", "create", "pods", () => _agent.ControllerManager.CoreV1.CreateNamespacedPodAsync(Pod("by-kcm", null), "default"));
        await ForbiddenAsync("system:kube-controller-manager", "delete", "nodes", () => _agent.ControllerManager.CoreV1.DeleteNodeAsync(OtherNode));
    }

    [Test]
    public async Task A_kubelet_writes_and_deletes_its_own_node_lease_and_pods_and_nothing_of_another_node()
    {
        var kubelet = _agent.Kubelet;

        // Its own: Node status, Lease, the status of a pod bound to it, a mirror pod.
        var own = await kubelet.CoreV1.ReadNodeAsync(Node);
        own.Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady" }] };
        await kubelet.CoreV1.ReplaceNodeStatusAsync(own, Node);
        await kubelet.CoordinationV1.CreateNamespacedLeaseAsync(Lease(Node), "kube-node-lease");
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("mine", Node), "default");
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("theirs", OtherNode), "default");
        var mine = await _agent.Admin.CoreV1.ReadNamespacedPodAsync("mine", "default");
        mine.Status.Phase = "Running";
        Assert.That((await kubelet.CoreV1.ReplaceNamespacedPodStatusAsync(mine, "mine", "default")).Status.Phase, Is.EqualTo("Running"));
        var mirror = Pod("static-" + Node, Node);
        mirror.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "hash" };
        mirror.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = Node, Uid = own.Metadata.Uid, Controller = true }];
        await kubelet.CoreV1.CreateNamespacedPodAsync(mirror, "default");

        // Another node's: refused by NodeRestriction with upstream's messages.
        var other = await _agent.Admin.CoreV1.ReadNodeAsync(OtherNode);
        other.Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "Ready", Status = "False", Reason = "Forged" }] };
        await ForbiddenAsync($"node \"{Node}\" is not allowed to modify node \"{OtherNode}\"", () => kubelet.CoreV1.ReplaceNodeStatusAsync(other, OtherNode));
        await ForbiddenAsync($"node \"{Node}\" is not allowed to modify node \"{OtherNode}\"", () => kubelet.CoreV1.PatchNodeAsync(LabelPatch(), OtherNode));
        await ForbiddenAsync("can only access node lease with the same name as the requesting node",
            () => kubelet.CoordinationV1.CreateNamespacedLeaseAsync(Lease(OtherNode), "kube-node-lease"));
        var theirs = await _agent.Admin.CoreV1.ReadNamespacedPodAsync("theirs", "default");
        theirs.Status.Phase = "Failed";
        await ForbiddenAsync($"node \"{Node}\" can only update pod status for pods with spec.nodeName set to itself",
            () => kubelet.CoreV1.ReplaceNamespacedPodStatusAsync(theirs, "theirs", "default"));
        await ForbiddenAsync($"node \"{Node}\" can only create mirror pods", () => kubelet.CoreV1.CreateNamespacedPodAsync(Pod("plain", Node), "default"));
        var foreignMirror = Pod("static-" + OtherNode, OtherNode);
        foreignMirror.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "hash" };
        await ForbiddenAsync($"node \"{Node}\" can only create pods with spec.nodeName set to itself", () => kubelet.CoreV1.CreateNamespacedPodAsync(foreignMirror, "default"));

        // Deletes too: only pods bound to it and its own Lease.
        await _agent.Admin.CoordinationV1.CreateNamespacedLeaseAsync(Lease(OtherNode), "kube-node-lease");
        await ForbiddenAsync($"node \"{Node}\" can only delete pods with spec.nodeName set to itself", () => kubelet.CoreV1.DeleteNamespacedPodAsync("theirs", "default"));
        await ForbiddenAsync("can only access node lease with the same name as the requesting node", () => kubelet.CoordinationV1.DeleteNamespacedLeaseAsync(OtherNode, "kube-node-lease"));
        await kubelet.CoreV1.DeleteNamespacedPodAsync("mine", "default", new V1DeleteOptions { GracePeriodSeconds = 0 });

        // And RBAC: no writes of Secrets or Services at all.
        await ForbiddenAsync($"system:node:{Node}", "create", "secrets", () => kubelet.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default"));
        Assert.That((await _agent.Admin.CoreV1.ReadNodeStatusAsync(OtherNode)).Status?.Conditions, Is.Null.Or.Empty, "the forged status was not stored");
    }

    private static V1Pod Pod(string name, string? node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { NodeName = node, AutomountServiceAccountToken = false, Containers = [new V1Container { Name = "c", Image = "nginx" }] },
    };

    private static V1Lease Lease(string node) => new()
    {
        Metadata = new V1ObjectMeta { Name = node },
        Spec = new V1LeaseSpec { HolderIdentity = node, LeaseDurationSeconds = 40 },
    };

    private static V1Patch LabelPatch() => new("{\"metadata\":{\"labels\":{\"forged\":\"true\"}}}", V1Patch.PatchType.MergePatch);

    // RBAC's denial: User "<user>" cannot <verb> resource "<resource>".
    private static Task ForbiddenAsync(string user, string verb, string resource, Func<Task> call) =>
        ForbiddenAsync($"User \"{user}\" cannot {verb} resource \"{resource}\"", call);

    private static async Task ForbiddenAsync(string message, Func<Task> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call());
        Assert.That(e!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), e.Response.Content);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.That(status.Message, Does.Contain(message));
    }
}
