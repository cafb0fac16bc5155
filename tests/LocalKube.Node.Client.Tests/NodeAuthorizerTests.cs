using System.Net;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Client.Tests;

/// <summary>
/// The node authorizer and NodeRestriction through the real HTTP pipeline with kubelet certificates: a kubelet reads
/// only what pods bound to its node reference, its own Node and pods, asks for tokens only for its pods, and may not
/// touch restricted labels, taints, other nodes, or create anything but its own mirror pods. One API-server-only
/// agent for the fixture; its kubelet is <c>system:node:test-node</c>, and a second one is issued for <c>other-node</c>.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class NodeAuthorizerTests
{
    private const string Node = "test-node";
    private const string OtherNode = "other-node";
    private const string Ns = "default";
    private TestAgent _agent = null!;
    private Kubernetes _kubelet = null!;
    private Kubernetes _otherKubelet = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _agent = await TestAgent.StartAsync();
        _kubelet = _agent.Kubelet;
        _otherKubelet = KubeletOf(OtherNode);

        // Each kubelet registers its own Node, with the labels a kubelet may set.
        await _kubelet.CoreV1.CreateNodeAsync(NodeObject(Node));
        await _otherKubelet.CoreV1.CreateNodeAsync(NodeObject(OtherNode));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _otherKubelet?.Dispose();
        await _agent.DisposeAsync();
    }

    [Test]
    public async Task A_kubelet_reads_only_the_secrets_and_configmaps_its_pods_reference()
    {
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("s-mine"), Ns);
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("s-theirs"), Ns);
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("s-nobodys"), Ns);
        await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm-mine" } }, Ns);
        var mine = Pod("secret-user", Node);
        mine.Spec.Volumes = [new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "s-mine" } }];
        mine.Spec.Containers[0].Env =
        [
            new V1EnvVar { Name = "A", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cm-mine", Key = "a" } } },
            new V1EnvVar { Name = "B", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s-missing", Key = "b" } } },
        ];
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(mine, Ns);
        var theirs = Pod("secret-user-elsewhere", OtherNode);
        theirs.Spec.Volumes = [new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "s-theirs" } }];
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(theirs, Ns);

        // Referenced by its pod: readable, by a get or a list/watch pinned to the name; a missing one is a 404, not a 403.
        Assert.That((await EventuallyAsync(() => _kubelet.CoreV1.ReadNamespacedSecretAsync("s-mine", Ns))).Metadata.Name, Is.EqualTo("s-mine"));
        Assert.That((await _kubelet.CoreV1.ReadNamespacedConfigMapAsync("cm-mine", Ns)).Metadata.Name, Is.EqualTo("cm-mine"));
        Assert.That((await _kubelet.CoreV1.ListNamespacedSecretAsync(Ns, fieldSelector: "metadata.name=s-mine")).Items, Has.Count.EqualTo(1));
        var missing = Assert.ThrowsAsync<HttpOperationException>(() => _kubelet.CoreV1.ReadNamespacedSecretAsync("s-missing", Ns));
        Assert.That(missing!.Response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), missing.Response.Content);

        // Referenced only by another node's pod, or by nothing: upstream's 403, even though the system:node role reads secrets.
        await ForbiddenAsync(
            $"secrets \"s-theirs\" is forbidden: User \"system:node:{Node}\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{Ns}\": no relationship found between node '{Node}' and this object",
            () => _kubelet.CoreV1.ReadNamespacedSecretAsync("s-theirs", Ns));
        await ForbiddenAsync($"no relationship found between node '{Node}' and this object", () => _kubelet.CoreV1.ReadNamespacedSecretAsync("s-nobodys", Ns));
        await ForbiddenAsync("cannot list resource \"secrets\" in API group \"\" in the namespace \"default\": No Object name found",
            () => _kubelet.CoreV1.ListNamespacedSecretAsync(Ns));
        await ForbiddenAsync("cannot list resource \"configmaps\" in API group \"\" at the cluster scope: can only read namespaced object of this type",
            () => _kubelet.CoreV1.ListConfigMapForAllNamespacesAsync());
        await ForbiddenAsync("can only read resources of this type", () => _kubelet.CoreV1.DeleteNamespacedSecretAsync("s-mine", Ns));
        Assert.That((await EventuallyAsync(() => _otherKubelet.CoreV1.ReadNamespacedSecretAsync("s-theirs", Ns))).Metadata.Name, Is.EqualTo("s-theirs"));

        // Once the pod is gone, so is the relationship.
        await _agent.Admin.CoreV1.DeleteNamespacedPodAsync("secret-user", Ns, new V1DeleteOptions { GracePeriodSeconds = 0 });
        await EventuallyForbiddenAsync(() => _kubelet.CoreV1.ReadNamespacedSecretAsync("s-mine", Ns));
    }

    [Test]
    public async Task A_kubelet_reads_its_own_node_and_pods_and_volumes_only()
    {
        await _agent.Admin.CoreV1.CreatePersistentVolumeAsync(Volume("pv-mine", "claim-mine"));
        await _agent.Admin.CoreV1.CreatePersistentVolumeAsync(Volume("pv-theirs", "claim-theirs"));
        var mine = Pod("claim-user", Node);
        mine.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "claim-mine" } }];
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(mine, Ns);
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("plain-elsewhere", OtherNode), Ns);

        // Its Node by name; its pods by get or by a spec.nodeName selector; the PV of its pod's claim.
        Assert.That((await _kubelet.CoreV1.ReadNodeAsync(Node)).Metadata.Name, Is.EqualTo(Node));
        Assert.That((await EventuallyAsync(() => _kubelet.CoreV1.ReadNamespacedPodAsync("claim-user", Ns))).Spec.NodeName, Is.EqualTo(Node));
        var bound = await _kubelet.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={Node}");
        Assert.That(bound.Items.Select(p => p.Spec.NodeName), Is.All.EqualTo(Node));
        Assert.That((await EventuallyAsync(() => _kubelet.CoreV1.ReadPersistentVolumeAsync("pv-mine"))).Metadata.Name, Is.EqualTo("pv-mine"));

        await ForbiddenAsync($"node '{Node}' cannot read '{OtherNode}', only its own Node object", () => _kubelet.CoreV1.ReadNodeAsync(OtherNode));
        await ForbiddenAsync($"node '{Node}' cannot read all nodes, only its own Node object", () => _kubelet.CoreV1.ListNodeAsync());
        await ForbiddenAsync("can only list/watch pods with spec.nodeName field selector", () => _kubelet.CoreV1.ListPodForAllNamespacesAsync());
        await ForbiddenAsync($"no relationship found between node '{Node}' and this object", () => _kubelet.CoreV1.ReadNamespacedPodAsync("plain-elsewhere", Ns));
        await ForbiddenAsync($"no relationship found between node '{Node}' and this object", () => _kubelet.CoreV1.ReadPersistentVolumeAsync("pv-theirs"));
        await ForbiddenAsync("can only get individual resources of this type", () => _kubelet.CoreV1.ListPersistentVolumeAsync());
        await ForbiddenAsync("can only access leases in the \"kube-node-lease\" system namespace", () => _kubelet.CoordinationV1.ReadNamespacedLeaseAsync(Node, Ns));
    }

    [Test]
    public async Task A_kubelet_gets_tokens_only_bound_to_its_own_pods_service_accounts()
    {
        foreach (var account in new[] { "sa-mine", "sa-theirs" })
        {
            await _agent.Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = account } }, Ns);
        }

        var mine = Pod("token-user", Node);
        mine.Spec.ServiceAccountName = "sa-mine";
        mine = await _agent.Admin.CoreV1.CreateNamespacedPodAsync(mine, Ns);
        var theirs = Pod("token-user-elsewhere", OtherNode);
        theirs.Spec.ServiceAccountName = "sa-theirs";
        theirs = await _agent.Admin.CoreV1.CreateNamespacedPodAsync(theirs, Ns);

        var token = await EventuallyAsync(() => _kubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(TokenFor(mine), "sa-mine", Ns));
        Assert.That(token.Status.Token, Is.Not.Empty);

        await ForbiddenAsync($"no relationship found between node '{Node}' and this object",
            () => _kubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(TokenFor(theirs), "sa-theirs", Ns));
        await ForbiddenAsync("serviceaccounts \"sa-mine\" is forbidden: node requested token not bound to a pod",
            () => _kubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "sa-mine", Ns));
        var noUid = TokenFor(mine);
        noUid.Spec.BoundObjectRef.Uid = null;
        await ForbiddenAsync("node requested token with a pod binding without a uid", () => _kubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(noUid, "sa-mine", Ns));
        var staleUid = TokenFor(mine);
        staleUid.Spec.BoundObjectRef.Uid = Guid.NewGuid().ToString();
        await ForbiddenAsync("does not match the UID in record", () => _kubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(staleUid, "sa-mine", Ns));

        // The other pod's account, but bound to this node's pod: the binding check refuses it.
        var crossed = TokenFor(theirs);
        await EventuallyAsync(() => _otherKubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(crossed, "sa-theirs", Ns));
        await ForbiddenAsync("node requested token bound to a pod scheduled on a different node",
            () => _otherKubelet.CoreV1.CreateNamespacedServiceAccountTokenAsync(TokenFor(mine), "sa-theirs", Ns));
    }

    [Test]
    public async Task A_kubelet_may_not_set_restricted_labels_or_change_its_taints()
    {
        // Creating a Node with labels outside the kubelet's set (the third node's kubelet, before it exists).
        using var third = KubeletOf("third-node");
        var labelled = NodeObject("third-node");
        labelled.Metadata.Labels["node-role.kubernetes.io/control-plane"] = "";
        labelled.Metadata.Labels["tier.node-restriction.kubernetes.io/trusted"] = "yes";
        await ForbiddenAsync(
            "nodes \"third-node\" is forbidden: node \"third-node\" is not allowed to set the following labels: node-role.kubernetes.io/control-plane, tier.node-restriction.kubernetes.io/trusted",
            () => third.CoreV1.CreateNodeAsync(labelled));

        // Its own labels: the kubelet's namespaces and any outside kubernetes.io / k8s.io.
        var allowed = new V1Patch("{\"metadata\":{\"labels\":{\"node.kubernetes.io/disk\":\"ssd\",\"example.com/team\":\"a\",\"topology.kubernetes.io/zone\":\"z1\"}}}", V1Patch.PatchType.MergePatch);
        var patched = await _kubelet.CoreV1.PatchNodeAsync(allowed, Node);
        Assert.That(patched.Metadata.Labels, Does.ContainKey("node.kubernetes.io/disk").And.ContainKey("example.com/team"));

        await ForbiddenAsync("nodes \"test-node\" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker, x.k8s.io/y",
            () => _kubelet.CoreV1.PatchNodeAsync(new V1Patch("{\"metadata\":{\"labels\":{\"node-role.kubernetes.io/worker\":\"\",\"x.k8s.io/y\":\"1\"}}}", V1Patch.PatchType.MergePatch), Node));
        await _agent.Admin.CoreV1.PatchNodeAsync(new V1Patch("{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/pool\":\"gold\"}}}", V1Patch.PatchType.MergePatch), Node);
        await ForbiddenAsync("is not allowed to modify labels: node-restriction.kubernetes.io/pool",
            () => _kubelet.CoreV1.PatchNodeAsync(new V1Patch("{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/pool\":null}}}", V1Patch.PatchType.MergePatch), Node));

        // Taints are the administrator's: added, changed or removed by the kubelet, refused.
        await ForbiddenAsync($"node \"{Node}\" is not allowed to modify taints",
            () => _kubelet.CoreV1.PatchNodeAsync(new V1Patch("{\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]}}", V1Patch.PatchType.MergePatch), Node));
        await _agent.Admin.CoreV1.PatchNodeAsync(new V1Patch("{\"spec\":{\"taints\":[{\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoSchedule\"}]}}", V1Patch.PatchType.MergePatch), Node);
        await ForbiddenAsync($"node \"{Node}\" is not allowed to modify taints",
            () => _kubelet.CoreV1.PatchNodeAsync(new V1Patch("{\"spec\":{\"taints\":null}}", V1Patch.PatchType.MergePatch), Node));

        // Another node: never.
        await ForbiddenAsync($"node \"{Node}\" is not allowed to modify node \"{OtherNode}\"",
            () => _kubelet.CoreV1.PatchNodeAsync(new V1Patch("{\"metadata\":{\"labels\":{\"example.com/x\":\"y\"}}}", V1Patch.PatchType.MergePatch), OtherNode));
        Assert.That((await _agent.Admin.CoreV1.ReadNodeAsync(Node)).Spec.Taints, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_kubelet_creates_only_mirror_pods_it_owns_that_reference_nothing()
    {
        var node = await _agent.Admin.CoreV1.ReadNodeAsync(Node);
        V1Pod Mirror(string name)
        {
            var pod = Pod(name, Node);
            pod.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "hash" };
            pod.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = Node, Uid = node.Metadata.Uid, Controller = true }];
            return pod;
        }

        Assert.That((await _kubelet.CoreV1.CreateNamespacedPodAsync(Mirror("static-web-" + Node), Ns)).Metadata.Name, Is.EqualTo("static-web-" + Node));

        var unowned = Mirror("static-unowned");
        unowned.Metadata.OwnerReferences = null;
        await ForbiddenAsync($"node \"{Node}\" can only create pods with an owner reference set to itself", () => _kubelet.CoreV1.CreateNamespacedPodAsync(unowned, Ns));
        var notController = Mirror("static-not-controller");
        notController.Metadata.OwnerReferences[0].Controller = null;
        await ForbiddenAsync($"node \"{Node}\" can only create pods with a controller owner reference set to itself", () => _kubelet.CoreV1.CreateNamespacedPodAsync(notController, Ns));
        var blocking = Mirror("static-blocking");
        blocking.Metadata.OwnerReferences[0].BlockOwnerDeletion = true;
        await ForbiddenAsync($"node \"{Node}\" must not set blockOwnerDeletion on an owner reference", () => _kubelet.CoreV1.CreateNamespacedPodAsync(blocking, Ns));
        var staleOwner = Mirror("static-stale");
        staleOwner.Metadata.OwnerReferences[0].Uid = Guid.NewGuid().ToString();
        await ForbiddenAsync($"node {Node} UID mismatch", () => _kubelet.CoreV1.CreateNamespacedPodAsync(staleOwner, Ns));
        var withSecret = Mirror("static-secret");
        withSecret.Spec.Volumes = [new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "anything" } }];
        await ForbiddenAsync($"node \"{Node}\" can not create pods that reference secrets", () => _kubelet.CoreV1.CreateNamespacedPodAsync(withSecret, Ns));
        var withConfigMap = Mirror("static-configmap");
        withConfigMap.Spec.Containers[0].EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "anything" } }];
        await ForbiddenAsync($"node \"{Node}\" can not create pods that reference configmaps", () => _kubelet.CoreV1.CreateNamespacedPodAsync(withConfigMap, Ns));
        var withClaim = Mirror("static-claim");
        withClaim.Spec.Volumes = [new V1Volume { Name = "d", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "anything" } }];
        await ForbiddenAsync($"node \"{Node}\" can not create pods that reference persistentvolumeclaims", () => _kubelet.CoreV1.CreateNamespacedPodAsync(withClaim, Ns));
        var withAccount = Mirror("static-account");
        withAccount.Spec.ServiceAccountName = "default";
        await ForbiddenAsync($"node \"{Node}\" can not create pods that reference a service account", () => _kubelet.CoreV1.CreateNamespacedPodAsync(withAccount, Ns));
    }

    [Test]
    public async Task A_kubelet_updates_its_pods_status_but_not_their_labels_and_evicts_only_its_own_pods()
    {
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("status-mine", Node), Ns);
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("evict-theirs", OtherNode), Ns);
        var pod = await EventuallyAsync(() => _kubelet.CoreV1.ReadNamespacedPodAsync("status-mine", Ns));
        pod.Status.Phase = "Running";
        Assert.That((await _kubelet.CoreV1.ReplaceNamespacedPodStatusAsync(pod, "status-mine", Ns)).Status.Phase, Is.EqualTo("Running"));

        var relabelled = await _kubelet.CoreV1.ReadNamespacedPodAsync("status-mine", Ns);
        relabelled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "forged" };

        // Upstream refuses this with "cannot update labels through pod status"; here a status update never carries
        // metadata changes at all, so the forged label is dropped rather than refused. Either way it is not stored.
        await _kubelet.CoreV1.ReplaceNamespacedPodStatusAsync(relabelled, "status-mine", Ns);
        Assert.That((await _agent.Admin.CoreV1.ReadNamespacedPodAsync("status-mine", Ns)).Metadata.Labels, Is.Null.Or.Not.ContainKey("app"));

        var eviction = new V1Eviction { Metadata = new V1ObjectMeta { Name = "evict-theirs", NamespaceProperty = Ns } };
        await ForbiddenAsync($"pods \"evict-theirs\" is forbidden: node {Node} can only evict pods with spec.nodeName set to itself",
            () => _kubelet.CoreV1.CreateNamespacedPodEvictionAsync(eviction, "evict-theirs", Ns));
        Assert.That((await _agent.Admin.CoreV1.ReadNamespacedPodAsync("evict-theirs", Ns)).Metadata.DeletionTimestamp, Is.Null);
    }

    [Test]
    public async Task The_system_node_binding_grants_nothing_and_rules_reviews_say_they_are_incomplete()
    {
        var binding = await _agent.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync("system:node");
        Assert.That(binding.Subjects, Is.Null.Or.Empty);

        var review = await _kubelet.AuthorizationV1.CreateSelfSubjectRulesReviewAsync(new V1SelfSubjectRulesReview { Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = Ns } });
        Assert.That(review.Status.Incomplete, Is.True);
        Assert.That(review.Status.EvaluationError, Does.Contain("node authorizer does not support user rule resolution"));
    }

    [Test]
    public async Task A_profile_whose_binding_still_grants_kubelets_the_node_role_loses_that_grant_on_restart()
    {
        // A profile made before the node authorizer: system:nodes bound to system:node, so RBAC alone lets a kubelet
        // read every Secret.
        await using var agent = await TestAgent.StartAsync();
        await agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("anyones"), Ns);
        await agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("kept"), Ns);
        var keeper = Pod("keeper", Node);
        keeper.Spec.Volumes = [new V1Volume { Name = "s", Secret = new V1SecretVolumeSource { SecretName = "kept" } }];
        await agent.Admin.CoreV1.CreateNamespacedPodAsync(keeper, Ns);
        var binding = await agent.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync("system:node");
        binding.Subjects = [new Rbacv1Subject { Kind = "Group", ApiGroup = "rbac.authorization.k8s.io", Name = "system:nodes" }];
        await agent.Admin.RbacAuthorizationV1.ReplaceClusterRoleBindingAsync(binding, "system:node");
        Assert.That((await EventuallyAsync(() => agent.Kubelet.CoreV1.ReadNamespacedSecretAsync("anyones", Ns))).Metadata.Name, Is.EqualTo("anyones"));

        // The next start's reconciliation takes the retired subject out.
        await agent.RestartAsync();
        Assert.That((await agent.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync("system:node")).Subjects, Is.Null.Or.Empty);
        await ForbiddenAsync("no relationship found between node 'test-node' and this object", () => agent.Kubelet.CoreV1.ReadNamespacedSecretAsync("anyones", Ns));

        // The graph was rebuilt from the initial list at start: the bound pod's secret is still readable.
        Assert.That((await agent.Kubelet.CoreV1.ReadNamespacedSecretAsync("kept", Ns)).Metadata.Name, Is.EqualTo("kept"));
    }

    [Test]
    public async Task The_real_kubectl_with_a_kubelets_certificate_gets_upstreams_denials()
    {
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(Secret("s-kubectl"), Ns);
        using var dir = new LocalKube.Testing.TempDirectory("lk-node-authz-kubectl");
        var identity = ComponentIdentity.Kubelet(Node);
        using var certificate = _agent.Pki.IssueClient(identity.UserName, identity.Groups);
        var kubeconfig = _agent.Pki.WriteKubeconfig(dir.Combine("kubeconfig"), _agent.BaseAddress, certificate);

        var (code, output) = await KubectlAsync(kubeconfig, "get", "secret", "s-kubectl", "-n", Ns);
        Assert.That(code, Is.Not.Zero);
        Assert.That(output, Does.Contain(
            $"Error from server (Forbidden): secrets \"s-kubectl\" is forbidden: User \"system:node:{Node}\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{Ns}\": no relationship found between node '{Node}' and this object"));
        (code, output) = await KubectlAsync(kubeconfig, "get", "nodes");
        Assert.That(output, Does.Contain($"node '{Node}' cannot read all nodes, only its own Node object"));
        (code, output) = await KubectlAsync(kubeconfig, "get", "pods", "-A", "--field-selector", $"spec.nodeName={Node}");
        Assert.That(code, Is.Zero, output);
    }

    private static async Task<(int Code, string Output)> KubectlAsync(string kubeconfig, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = Path.GetDirectoryName(kubeconfig);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private Kubernetes KubeletOf(string node)
    {
        var identity = ComponentIdentity.Kubelet(node);
        using var certificate = _agent.Pki.IssueClient(identity.UserName, identity.Groups);
        var path = Path.Combine(Path.GetTempPath(), $"lk-node-authz-{Guid.NewGuid():N}.kubeconfig");
        try
        {
            _agent.Pki.WriteKubeconfig(path, _agent.BaseAddress, certificate);
            return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static V1Node NodeObject(string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["kubelet.kubernetes.io/x"] = "y" },
        },
    };

    private static V1Pod Pod(string name, string node) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { NodeName = node, AutomountServiceAccountToken = false, Containers = [new V1Container { Name = "c", Image = "nginx" }] },
    };

    private static V1Secret Secret(string name) => new() { Metadata = new V1ObjectMeta { Name = name }, StringData = new Dictionary<string, string> { ["k"] = "v" } };

    private static V1PersistentVolume Volume(string name, string claim) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
            AccessModes = ["ReadWriteOnce"],
            HostPath = new V1HostPathVolumeSource { Path = "/tmp/" + name },
            ClaimRef = new V1ObjectReference { Kind = "PersistentVolumeClaim", NamespaceProperty = Ns, Name = claim },
        },
    };

    private static Authenticationv1TokenRequest TokenFor(V1Pod pod) => new()
    {
        Spec = new V1TokenRequestSpec
        {
            BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
        },
    };

    // The graph follows the store a moment behind a write: a read that depends on a fresh pod is retried while refused.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task EventuallyForbiddenAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await call();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("still allowed 10 s later");
    }

    private static async Task ForbiddenAsync<T>(string message, Func<Task<T>> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call());
        Assert.That(e!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), e.Response.Content);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.That(status.Message, Does.Contain(message));
    }
}
