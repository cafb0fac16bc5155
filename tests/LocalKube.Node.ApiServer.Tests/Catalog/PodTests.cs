using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Core;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class PodTests
{
    private static readonly PodStrategy Pods = new();

    private static V1Pod Pod(params string[] images) => new() { Metadata = Meta("web"), Spec = PodSpec(images.Length == 0 ? ["nginx"] : images) };

    [Test]
    public void Defaults_match_upstream()
    {
        var pod = Pod("nginx");
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80 }];
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Port = 80 } };
        pod.Spec.Volumes = [new V1Volume { Name = "scratch" }, new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "c" } }];
        Pods.Default(pod);
        var spec = pod.Spec;
        var c = spec.Containers[0];
        Assert.Multiple(() =>
        {
            Assert.That(spec.RestartPolicy, Is.EqualTo("Always"));
            Assert.That(spec.DnsPolicy, Is.EqualTo("ClusterFirst"));
            Assert.That(spec.SchedulerName, Is.EqualTo("default-scheduler"));
            Assert.That(spec.TerminationGracePeriodSeconds, Is.EqualTo(30));
            Assert.That(Json(spec.SecurityContext), Is.EqualTo("{}"));
            Assert.That(spec.EnableServiceLinks, Is.True);
            Assert.That(spec.ServiceAccountName, Is.EqualTo("default"));
            Assert.That(spec.ServiceAccount, Is.EqualTo("default"));
            Assert.That(spec.Tolerations.Select(t => $"{t.Key}:{t.OperatorProperty}:{t.Effect}:{t.TolerationSeconds}"), Is.EqualTo(new[]
            {
                "node.kubernetes.io/not-ready:Exists:NoExecute:300", "node.kubernetes.io/unreachable:Exists:NoExecute:300",
            }));
            Assert.That(c.ImagePullPolicy, Is.EqualTo("Always"));
            Assert.That(c.TerminationMessagePath, Is.EqualTo("/dev/termination-log"));
            Assert.That(c.TerminationMessagePolicy, Is.EqualTo("File"));
            Assert.That(c.Ports[0].Protocol, Is.EqualTo("TCP"));
            Assert.That(Json(c.ReadinessProbe), Is.EqualTo("""{"failureThreshold":3,"httpGet":{"path":"/","port":80,"scheme":"HTTP"},"periodSeconds":10,"successThreshold":1,"timeoutSeconds":1}"""));
            Assert.That(Json(spec.Volumes[0]), Is.EqualTo("""{"emptyDir":{},"name":"scratch"}"""));
            Assert.That(spec.Volumes[1].ConfigMap.DefaultMode, Is.EqualTo(420));
            Assert.That(pod.Status.Phase, Is.EqualTo("Pending"));
            Assert.That(pod.Status.QosClass, Is.EqualTo("BestEffort"));
        });
    }

    [Test]
    public void Defaulting_is_idempotent()
    {
        var pod = Pod("nginx:1.27");
        Pods.Default(pod);
        var once = Json(pod);
        Pods.Default(pod);
        Assert.That(Json(pod), Is.EqualTo(once));
    }

    [Test]
    public void Limits_become_requests_and_qos_guaranteed()
    {
        var pod = Pod("nginx:1.27");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("128Mi") },
        };
        Pods.Default(pod);
        Assert.That(pod.Spec.Containers[0].Resources.Requests["cpu"].ToString(), Is.EqualTo("500m"));
        Assert.That(pod.Status.QosClass, Is.EqualTo("Guaranteed"));
    }

    private static IEnumerable<TestCaseData> InvalidPods()
    {
        yield return Case("no containers", p => p.Spec.Containers = [], "spec.containers: Required value (FieldValueRequired)");
        yield return Case("missing name", p => p.Spec.Containers[0].Name = null, "spec.containers[0].name: Required value (FieldValueRequired)");
        yield return Case("missing image", p => p.Spec.Containers[0].Image = null, "spec.containers[0].image: Required value (FieldValueRequired)");
        yield return Case("bad container name", p => p.Spec.Containers[0].Name = "Web",
            "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?') (FieldValueInvalid)");
        yield return Case("duplicate container", p => p.Spec.Containers.Add(new V1Container { Name = "app", Image = "x" }),
            "spec.containers[1].name: Duplicate value: \"app\" (FieldValueDuplicate)");
        yield return Case("init and app share a name", p => p.Spec.InitContainers = [new V1Container { Name = "app", Image = "x" }],
            "spec.containers[0].name: Duplicate value: \"app\" (FieldValueDuplicate)");
        yield return Case("port out of range", p => p.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 70000 }],
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive (FieldValueInvalid)");
        yield return Case("port zero", p => p.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 0 }],
            "spec.containers[0].ports[0].containerPort: Required value (FieldValueRequired)");
        yield return Case("duplicate port name", p => p.Spec.Containers[0].Ports = [new V1ContainerPort { Name = "http", ContainerPort = 80 }, new V1ContainerPort { Name = "http", ContainerPort = 81 }],
            "spec.containers[0].ports[1].name: Duplicate value: \"http\" (FieldValueDuplicate)");
        yield return Case("bad protocol", p => p.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80, Protocol = "HTTP" }],
            "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\" (FieldValueNotSupported)");
        yield return Case("bad restart policy", p => p.Spec.RestartPolicy = "Sometimes",
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\" (FieldValueNotSupported)");
        yield return Case("bad pull policy", p => p.Spec.Containers[0].ImagePullPolicy = "Maybe",
            "spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"IfNotPresent\", \"Never\" (FieldValueNotSupported)");
        yield return Case("mount of unknown volume", p => p.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }],
            "spec.containers[0].volumeMounts[0].name: Not found: \"data\" (FieldValueNotFound)");
        yield return Case("duplicate volume", p => p.Spec.Volumes = [new V1Volume { Name = "v" }, new V1Volume { Name = "v" }],
            "spec.volumes[1].name: Duplicate value: \"v\" (FieldValueDuplicate)");
        yield return Case("requests above limits", p => p.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2") },
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") },
        }, "spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1 (FieldValueInvalid)");
        yield return Case("bad name", p => p.Metadata.Name = "Web_1",
            "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*') (FieldValueInvalid)");
        yield return Case("no name", p => p.Metadata.Name = null, "metadata.name: Required value: name or generateName is required (FieldValueRequired)");
        yield return Case("no namespace", p => p.Metadata.NamespaceProperty = null, "metadata.namespace: Required value (FieldValueRequired)");
        yield return Case("bad label value", p => p.Metadata.Labels = new Dictionary<string, string> { ["app"] = "a b" },
            "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?') (FieldValueInvalid)");
        yield return Case("bad label key", p => p.Metadata.Labels = new Dictionary<string, string> { ["-app"] = "x" },
            "metadata.labels: Invalid value: \"-app\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') (FieldValueInvalid)");
        yield return Case("annotations too big", p => p.Metadata.Annotations = new Dictionary<string, string> { ["a"] = new('x', 300_000) },
            "metadata.annotations: Too long: may not be more than 262144 bytes (FieldValueTooLong)");
    }

    private static TestCaseData Case(string name, Action<V1Pod> mutate, string expected) => new TestCaseData(mutate, expected).SetName("Pod invalid: " + name);

    [TestCaseSource(nameof(InvalidPods))]
    public void Invalid_pod_is_reported_with_upstream_path_reason_and_message(Action<V1Pod> mutate, string expected)
    {
        var pod = Pod("nginx:1.27");
        mutate(pod);
        Assert.That(CreateErrors(Pods, pod), Does.Contain(expected));
    }

    [Test]
    public void Valid_pod_has_no_errors() => Assert.That(CreateErrors(Pods, Pod("nginx:1.27")), Is.Empty);

    [Test]
    public void Generate_name_prefix_may_end_with_dash()
    {
        var pod = Pod();
        pod.Metadata.Name = "web-abcde";
        pod.Metadata.GenerateName = "web-";
        Assert.That(CreateErrors(Pods, pod), Is.Empty);
    }

    [Test]
    public void Update_may_change_images_but_not_other_spec_fields()
    {
        var old = Pod("nginx:1.26");
        var image = Clone(old);
        image.Spec.Containers[0].Image = "nginx:1.27";
        Assert.That(UpdateErrors(Pods, image, old), Is.Empty);

        var env = Clone(old);
        env.Spec.Containers[0].Env = [new V1EnvVar { Name = "A", Value = "1" }];
        Assert.That(UpdateErrors(Pods, env, old), Is.EqualTo(new[] { $"spec: Forbidden: {PodStrategy.ForbiddenUpdateMessage} (FieldValueForbidden)" }));

        var more = Clone(old);
        more.Spec.Containers.Add(new V1Container { Name = "side", Image = "busybox" });
        Assert.That(UpdateErrors(Pods, more, old), Does.Contain("spec.containers: Forbidden: pod updates may not add or remove containers (FieldValueForbidden)"));
    }

    [Test]
    public void Binding_a_pod_to_a_node_is_allowed_once()
    {
        var old = Pod("nginx:1.27");
        var bound = Clone(old);
        bound.Spec.NodeName = "node-1";
        Assert.That(UpdateErrors(Pods, bound, old), Is.Empty);
        var moved = Clone(bound);
        moved.Spec.NodeName = "node-2";
        Assert.That(UpdateErrors(Pods, moved, bound), Has.Length.EqualTo(1));
    }

    private static V1ContainerStatus Running(string name, bool ready = true, int restarts = 0) => new()
    {
        Name = name, Ready = ready, RestartCount = restarts, State = new V1ContainerState { Running = new V1ContainerStateRunning() },
    };

    private static V1ContainerStatus Waiting(string name, string reason, int restarts = 0) => new()
    {
        Name = name, RestartCount = restarts, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } },
    };

    private static V1ContainerStatus Terminated(string name, int exitCode, string? reason = null, int? signal = null) => new()
    {
        Name = name, State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, Reason = reason, Signal = signal } },
    };

    private static IEnumerable<TestCaseData> Rows()
    {
        yield return Row("pending", p => p.Status = new V1PodStatus { Phase = "Pending" }, "0/1", "Pending", "0");
        yield return Row("running", p => p.Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [Running("app")] }, "1/1", "Running", "0");
        yield return Row("creating", p => p.Status = new V1PodStatus { Phase = "Pending", ContainerStatuses = [Waiting("app", "ContainerCreating")] }, "0/1", "ContainerCreating", "0");
        yield return Row("crash loop with last restart", p =>
        {
            var cs = Waiting("app", "CrashLoopBackOff", restarts: 4);
            cs.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, FinishedAt = Now.AddMinutes(-3).UtcDateTime } };
            p.Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [cs] };
        }, "0/1", "CrashLoopBackOff", "4 (3m ago)");
        yield return Row("completed", p => p.Status = new V1PodStatus { Phase = "Succeeded", ContainerStatuses = [Terminated("app", 0, "Completed")] }, "0/1", "Completed", "0");
        yield return Row("exit code without reason", p => p.Status = new V1PodStatus { Phase = "Failed", ContainerStatuses = [Terminated("app", 2)] }, "0/1", "ExitCode:2", "0");
        yield return Row("signal", p => p.Status = new V1PodStatus { Phase = "Failed", ContainerStatuses = [Terminated("app", 0, signal: 9)] }, "0/1", "Signal:9", "0");
        yield return Row("init pending", p =>
        {
            p.Spec.InitContainers = [new V1Container { Name = "init", Image = "busybox" }];
            p.Status = new V1PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("init", "PodInitializing")] };
        }, "0/1", "Init:0/1", "0");
        yield return Row("init crash", p =>
        {
            p.Spec.InitContainers = [new V1Container { Name = "init", Image = "busybox" }];
            p.Status = new V1PodStatus { Phase = "Pending", InitContainerStatuses = [Waiting("init", "CrashLoopBackOff", restarts: 2)] };
        }, "0/1", "Init:CrashLoopBackOff", "2");
        yield return Row("init failed exit code", p =>
        {
            p.Spec.InitContainers = [new V1Container { Name = "init", Image = "busybox" }];
            p.Status = new V1PodStatus { Phase = "Pending", InitContainerStatuses = [Terminated("init", 3)] };
        }, "0/1", "Init:ExitCode:3", "0");
        yield return Row("sidecar counts towards ready", p =>
        {
            p.Spec.InitContainers = [new V1Container { Name = "proxy", Image = "envoy", RestartPolicy = "Always" }];
            var sidecar = Running("proxy");
            sidecar.Started = true;
            p.Status = new V1PodStatus { Phase = "Running", InitContainerStatuses = [sidecar], ContainerStatuses = [Running("app")] };
        }, "2/2", "Running", "0");
        yield return Row("completed but a container still runs", p =>
        {
            p.Spec.Containers.Add(new V1Container { Name = "app1", Image = "x" });
            p.Status = new V1PodStatus
            {
                Phase = "Running",
                ContainerStatuses = [Running("app"), Terminated("app1", 0, "Completed")],
                Conditions = [new V1PodCondition { Type = "Ready", Status = "False" }],
            };
        }, "1/2", "NotReady", "0");
        yield return Row("terminating", p =>
        {
            p.Metadata.DeletionTimestamp = Now.UtcDateTime;
            p.Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [Running("app")] };
        }, "1/1", "Terminating", "0");
        yield return Row("evicted", p => p.Status = new V1PodStatus { Phase = "Failed", Reason = "Evicted" }, "0/1", "Evicted", "0");
        yield return Row("scheduling gated", p => p.Status = new V1PodStatus
        {
            Phase = "Pending", Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "SchedulingGated" }],
        }, "0/1", "SchedulingGated", "0");
    }

    private static TestCaseData Row(string name, Action<V1Pod> arrange, string ready, string status, string restarts) =>
        new TestCaseData(arrange, ready, status, restarts).SetName("Pod row: " + name);

    [TestCaseSource(nameof(Rows))]
    public void Row_cells_follow_kubectls_printer(Action<V1Pod> arrange, string ready, string status, string restarts)
    {
        var pod = Pod("nginx:1.27");
        arrange(pod);
        var cells = Pods.Cells(pod, Now);
        Assert.That(cells.Take(5), Is.EqualTo(new object?[] { "web", ready, status, restarts, "5m" }));
    }

    [Test]
    public void Wide_cells()
    {
        var pod = Pod();
        pod.Spec.NodeName = "node-1";
        pod.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = "example.com/ready" }];
        pod.Status = new V1PodStatus { PodIPs = [new V1PodIP { Ip = "10.244.0.5" }], Conditions = [new V1PodCondition { Type = "example.com/ready", Status = "True" }] };
        Assert.That(Pods.Cells(pod, Now).Skip(5), Is.EqualTo(new object?[] { "10.244.0.5", "node-1", "<none>", "1/1" }));
        Assert.That(Pods.Cells(Pod(), Now).Skip(5), Is.EqualTo(new object?[] { "<none>", "<none>", "<none>", "<none>" }));
        Assert.That(Pods.Columns.Select(c => (c.Name.ToUpperInvariant(), c.Priority)), Is.EqualTo(new[]
        {
            ("NAME", 0), ("READY", 0), ("STATUS", 0), ("RESTARTS", 0), ("AGE", 0), ("IP", 1), ("NODE", 1), ("NOMINATED NODE", 1), ("READINESS GATES", 1),
        }));
    }

    [Test]
    public void Field_selectors_match_upstream()
    {
        var pod = Pod();
        Pods.Default(pod);
        pod.Spec.NodeName = "node-1";
        pod.Status.PodIPs = [new V1PodIP { Ip = "10.0.0.9" }];
        var fields = Pods.SelectableFields(pod);
        Assert.That(fields, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["metadata.name"] = "web",
            ["metadata.namespace"] = "default",
            ["spec.nodeName"] = "node-1",
            ["spec.restartPolicy"] = "Always",
            ["spec.schedulerName"] = "default-scheduler",
            ["spec.serviceAccountName"] = "default",
            ["spec.hostNetwork"] = "false",
            ["status.phase"] = "Pending",
            ["status.podIP"] = "10.0.0.9",
            ["status.nominatedNodeName"] = "",
        }));
    }

    [Test]
    public void Selectable_fields_read_from_stored_json_equal_the_typed_ones()
    {
        var bare = Pod();
        var bound = Pod();
        Pods.Default(bound);
        bound.Spec.NodeName = "node-1";
        bound.Spec.HostNetwork = true;
        bound.Status = new V1PodStatus { Phase = "Running", PodIP = "10.0.0.8", PodIPs = [new V1PodIP { Ip = "10.0.0.9" }], NominatedNodeName = "n2" };
        var onlyPodIp = Pod();
        onlyPodIp.Status = new V1PodStatus { PodIP = "10.0.0.7" };
        foreach (var pod in new[] { bare, bound, onlyPodIp })
        {
            var json = System.Text.Encoding.UTF8.GetBytes(k8s.KubernetesJson.Serialize(pod));
            Assert.That(Pods.SelectableFieldsOfJson(json), Is.EquivalentTo(Pods.SelectableFields(pod)));
        }
    }

    [Test]
    public void Pods_have_no_generation_in_1_32() => Assert.That(Pods.HasGeneration, Is.False);
}
