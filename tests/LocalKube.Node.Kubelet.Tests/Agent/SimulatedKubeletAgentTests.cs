using k8s;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Kubelet.Tests.Agent;

/// <summary>The real agent (store, API server, RBAC) with the kubelet over the simulated runtime, driven by the real client.</summary>
[TestFixture]
[Category("Integration")]
public sealed class SimulatedKubeletAgentTests
{
    private TestAgent _agent = null!;

    [OneTimeSetUp]
    public async Task StartAgent()
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.ContainerRuntime);
        options.Components.Add(NodeComponent.Kubelet);
        _agent = await TestAgent.StartAsync(options);
    }

    [OneTimeTearDown]
    public async Task StopAgent() => await _agent.DisposeAsync();

    [Test]
    public async Task A_bound_pod_runs_with_status_written_by_the_kubelet()
    {
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default");
        var pod = await WaitForPodAsync("web", p => p.Status?.Phase == "Running" && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        Assert.Multiple(() =>
        {
            Assert.That(pod.Status.Conditions.Select(c => c.Type), Is.EqualTo(new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" }));
            Assert.That(pod.Status.ContainerStatuses.Single().ContainerID, Does.StartWith("simulated://"));
            Assert.That(pod.Status.HostIP, Is.EqualTo("127.0.0.1"));
            Assert.That(pod.Status.PodIP, Does.StartWith("10.244."));
            Assert.That(pod.Status.StartTime, Is.Not.Null);
            Assert.That(pod.Status.QosClass, Is.EqualTo("BestEffort"));
            Assert.That(pod.Metadata.ManagedFields.Any(m => m.Manager == "kubelet" && m.Subresource == "status"), Is.True,
                "the status is written by the kubelet's own identity");
        });
    }

    [Test]
    public async Task The_node_reports_the_simulated_runtime_and_keeps_its_lease()
    {
        var node = await _agent.Admin.CoreV1.ReadNodeAsync("test-node");
        var lease = await _agent.Admin.CoordinationV1.ReadNamespacedLeaseAsync("test-node", "kube-node-lease");
        Assert.Multiple(() =>
        {
            Assert.That(node.Status.NodeInfo.ContainerRuntimeVersion, Is.EqualTo("simulated://0.1.0"));
            Assert.That(node.Status.Conditions.Single(c => c.Type == "Ready").Status, Is.EqualTo("True"));
            // A loopback test agent serves the kubelet API on a free port (10250 is for nodes of their own).
            Assert.That(node.Status.DaemonEndpoints.KubeletEndpoint.Port, Is.InRange(1, 65535));
            Assert.That(node.Spec.PodCIDR, Is.EqualTo("10.244.0.0/16"));
            Assert.That(lease.Spec.HolderIdentity, Is.EqualTo("test-node"));
        });
    }

    [Test]
    public async Task A_deleted_pod_terminates_and_leaves_the_api()
    {
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(Pod("bye"), "default");
        await WaitForPodAsync("bye", p => p.Status?.Phase == "Running");
        await _agent.Admin.CoreV1.DeleteNamespacedPodAsync("bye", "default");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var list = await _agent.Admin.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name=bye");
            if (list.Items.Count == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the kubelet did not delete the terminated pod");
    }

    [Test]
    public async Task A_pod_gets_the_secret_and_configmap_it_references_read_by_the_kubelet_itself()
    {
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "app-secret" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default");
        await _agent.Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "unrelated" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default");
        await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "app-config" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } }, "default");
        var pod = Pod("configured");
        pod.Spec.Volumes = [new V1Volume { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = "app-secret" } }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "creds", MountPath = "/creds" }];
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "MODE", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "app-config", Key = "mode" } } }];
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(pod, "default");

        // The node authorizer let the kubelet read what its pod references; anything else stays out of its reach.
        await WaitForPodAsync("configured", p => p.Status?.Phase == "Running");
        var denied = Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _agent.Kubelet.CoreV1.ReadNamespacedSecretAsync("unrelated", "default"));
        Assert.That(denied!.Response.Content, Does.Contain("no relationship found between node 'test-node' and this object"));
    }

    [Test]
    public async Task The_api_server_labels_the_kubelets_node_as_the_control_plane()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        V1Node node;
        do
        {
            node = await _agent.Admin.CoreV1.ReadNodeAsync("test-node");
        }
        while (node.Metadata.Labels?.ContainsKey("node-role.kubernetes.io/control-plane") != true && DateTime.UtcNow < deadline && await Delay());

        Assert.That(node.Metadata.Labels, Does.ContainKey("node-role.kubernetes.io/control-plane").And.ContainKey("kubernetes.io/hostname"));

        static async Task<bool> Delay()
        {
            await Task.Delay(100);
            return true;
        }
    }

    [Test]
    public async Task A_pod_for_another_node_is_left_alone()
    {
        var pod = Pod("elsewhere");
        pod.Spec.NodeName = "other-node";
        await _agent.Admin.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await Task.Delay(1000);
        var stored = await _agent.Admin.CoreV1.ReadNamespacedPodAsync("elsewhere", "default");
        Assert.That(stored.Status.Phase, Is.EqualTo("Pending"));
        Assert.That(stored.Status.ContainerStatuses, Is.Null.Or.Empty);
    }

    private async Task<V1Pod> WaitForPodAsync(string name, Func<V1Pod, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        V1Pod? pod = null;
        while (DateTime.UtcNow < deadline)
        {
            pod = await _agent.Admin.CoreV1.ReadNamespacedPodAsync(name, "default");
            if (condition(pod))
            {
                return pod;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"pod {name} did not get there: {KubernetesJson.Serialize(pod?.Status)}");
        return pod!;
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            NodeName = "test-node",
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "app", Image = "busybox:1.36" }],
        },
    };
}
