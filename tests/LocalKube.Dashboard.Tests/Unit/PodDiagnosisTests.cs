using k8s.Models;
using LocalKube.Dashboard.Explain;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class PodDiagnosisTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void ImagePullBackOff_NamesTheImage_WithTheLoadHint()
    {
        var pod = Pod(status: Waiting("ImagePullBackOff", "Back-off pulling image \"acme/api:v2\""));
        var why = PodDiagnosis.Explain(Facts(pod));
        Assert.That(why.Healthy, Is.False);
        Assert.That(why.Headline, Is.EqualTo("Cannot pull image \"acme/api:v2\" for container app."));
        var finding = why.Findings[0];
        Assert.That(finding.Code, Is.EqualTo("ImagePullBackOff"));
        Assert.That(finding.Command, Is.EqualTo("localkube image load acme/api:v2"));
        Assert.That(finding.Detail, Does.Contain("Back-off pulling image"));
    }

    [Test]
    public void InvalidImageName_AsksToFixTheReference_NotToLoadIt()
    {
        var why = PodDiagnosis.Explain(Facts(Pod(image: "Acme/API", status: Waiting("InvalidImageName", "couldn't parse image reference"))));
        Assert.That(why.Headline, Is.EqualTo("Container app has an invalid image name \"Acme/API\"."));
        Assert.That(why.Findings[0].Command, Is.Null);
    }

    [Test]
    public void CrashLoop_GivesExitCodeRestartsHintAndLastLines()
    {
        var status = Waiting("CrashLoopBackOff", "back-off 40s");
        status.ContainerStatuses[0].RestartCount = 4;
        status.ContainerStatuses[0].LastState = new V1ContainerState
        {
            Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error", StartedAt = Now.UtcDateTime.AddSeconds(-70), FinishedAt = Now.UtcDateTime.AddSeconds(-60) },
        };
        var facts = Facts(Pod(status: status)) with { PreviousLogs = new Dictionary<string, IReadOnlyList<string>> { ["app"] = ["booting", "panic: no DATABASE_URL"] } };
        var why = PodDiagnosis.Explain(facts);
        Assert.That(why.Headline, Is.EqualTo("Container app keeps crashing: it exited with code 1 (Error), restarted 4 times."));
        var finding = why.Findings[0];
        Assert.That(finding.Detail, Does.Contain("Last exit: code 1 after running 10s, 60s ago."));
        Assert.That(finding.Lines, Is.EqualTo(new[] { "booting", "panic: no DATABASE_URL" }));
        Assert.That(finding.Hint, Does.Contain("last output"));
        Assert.That(finding.Command, Is.EqualTo("kubectl logs -n default web -c app --previous"));
    }

    [Test]
    public void CrashLoop_WithoutLogs_SaysWhyTheyAreMissing()
    {
        var facts = Facts(Pod(status: Waiting("CrashLoopBackOff", ""))) with { LogErrors = new Dictionary<string, string> { ["app"] = "no kubelet" } };
        Assert.That(PodDiagnosis.Explain(facts).Findings[0].Detail, Does.Contain("Its last output could not be read: no kubelet"));
    }

    [TestCase(137, "OOMKilled", "memory")]
    [TestCase(127, "Error", "not found in the image")]
    [TestCase(0, "Completed", "For a one-off task use a Job")]
    [TestCase(143, "Error", "SIGTERM")]
    public void ExitCodes_HaveHints(int code, string reason, string expected) =>
        Assert.That(ContainerDiagnosisHint(code, reason), Does.Contain(expected));

    [Test]
    public void Unschedulable_ForCpu_GivesTheShortfall()
    {
        var pod = Pod(cpu: "3", status: new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/1 nodes are available: 1 Insufficient cpu." }],
        });
        pod.Spec.NodeName = null;
        var facts = Facts(pod) with { RequestedOnNode = new Dictionary<string, (decimal, decimal)> { ["node-1"] = (1.5m, 0m) } };
        var why = PodDiagnosis.Explain(facts);
        Assert.That(why.Headline, Is.EqualTo("Not enough CPU: the pod requests 3 CPU, node node-1 has 500m free (2 allocatable, 1500m requested by other pods): short by 2500m."));
        Assert.That(why.Findings[0].Detail, Does.Contain("Scheduler: 0/1 nodes are available: 1 Insufficient cpu."));
    }

    [Test]
    public void Unschedulable_ForATaintOrASelector_NamesThem()
    {
        var pod = Pod(status: new V1PodStatus { Phase = "Pending", Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable" }] });
        pod.Spec.NodeName = null;
        pod.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };
        var node = Node();
        node.Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }] };
        var why = PodDiagnosis.Explain(Facts(pod) with { Nodes = [node] });
        Assert.That(why.Headline, Is.EqualTo("Node node-1 has the taint dedicated=db:NoSchedule, which the pod does not tolerate."));
        Assert.That(why.Findings[0].Detail, Does.Contain("nodeSelector disk=ssd does not match node node-1 (it has no disk label)."));

        pod.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Exists" }];
        Assert.That(PodDiagnosis.Explain(Facts(pod) with { Nodes = [node] }).Headline, Does.StartWith("The pod's nodeSelector disk=ssd"));
    }

    [Test]
    public void NoSchedulerYet_IsInformation_WithAHintAfterAWhile()
    {
        var pod = Pod(status: new V1PodStatus { Phase = "Pending" });
        pod.Spec.NodeName = null;
        pod.Metadata.CreationTimestamp = Now.UtcDateTime.AddMinutes(-3);
        var why = PodDiagnosis.Explain(Facts(pod));
        Assert.That(why.Findings.Single().Code, Is.EqualTo("WaitingForScheduler"));
        Assert.That(why.Findings.Single().Severity, Is.EqualTo("info"));
        Assert.That(why.Findings.Single().Hint, Does.Contain("3m"));
    }

    [Test]
    public void MissingConfigMapAndKey_AreNamedWithWhereTheyAreUsed()
    {
        var pod = Pod(status: Waiting("CreateContainerConfigError", "configmap \"app-config\" not found"));
        var facts = Facts(pod) with
        {
            Missing = [new MissingReference("ConfigMap", "app-config", null, "env DB_URL of container app"), new MissingReference("Secret", "db", "password", "env DB_PASSWORD of container app")],
        };
        var why = PodDiagnosis.Explain(facts);
        var titles = why.Findings.Select(f => f.Title).ToList();
        Assert.That(titles, Does.Contain("ConfigMap \"app-config\" does not exist in namespace default (needed by env DB_URL of container app)."));
        Assert.That(titles, Does.Contain("Secret \"db\" has no key \"password\" (needed by env DB_PASSWORD of container app)."));
        Assert.That(why.Findings.Single(f => f.Code == "MissingConfigMap").Command, Is.EqualTo("kubectl create configmap app-config -n default --from-literal=key=value"));
    }

    [Test]
    public void RunningButNotReady_ShowsTheProbeAndItsLastFailure()
    {
        var status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "False", Reason = "ContainersNotReady" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Ready = false, Image = "x", ImageID = "", State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        };
        var pod = Pod(status: status);
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = 8080 }, PeriodSeconds = 5 };
        var facts = Facts(pod) with
        {
            Events = [new Corev1Event { Reason = "Unhealthy", Type = "Warning", Message = "Readiness probe failed: HTTP probe failed with statuscode: 503", InvolvedObject = new V1ObjectReference { FieldPath = "spec.containers{app}" }, LastTimestamp = Now.UtcDateTime }],
        };
        var why = PodDiagnosis.Explain(facts);
        Assert.That(why.Headline, Is.EqualTo("Container app is running, but its readiness probe fails."));
        Assert.That(why.Findings[0].Detail, Does.Contain("HTTP probe failed with statuscode: 503").And.Contain("HTTP GET http://:8080/ready (every 5 s"));
    }

    [Test]
    public void OomKilled_SaysTheLimit()
    {
        var status = new V1PodStatus
        {
            Phase = "Running",
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Image = "x", ImageID = "", RestartCount = 1, State = new V1ContainerState { Running = new V1ContainerStateRunning() }, LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 137, Reason = "OOMKilled" } } }],
        };
        var pod = Pod(status: status);
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("128Mi") } };
        Assert.That(PodDiagnosis.Explain(Facts(pod)).Findings.Single(f => f.Code == "OOMKilled").Title, Is.EqualTo("Container app was killed for using more memory than its limit of 128Mi (OOMKilled)."));
    }

    [Test]
    public void PendingClaim_WithoutStorageClass_IsExplained()
    {
        var pod = Pod(status: Waiting("ContainerCreating", ""));
        var claim = new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" }, Status = new V1PersistentVolumeClaimStatus { Phase = "Pending" } };
        var why = PodDiagnosis.Explain(Facts(pod) with { Claims = [claim] });
        Assert.That(why.Headline, Is.EqualTo("PersistentVolumeClaim \"data\" is Pending: it names no StorageClass, and none is bound."));
    }

    [Test]
    public void NotReadyNode_IsTheCause()
    {
        var node = Node();
        node.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = "Unknown", Reason = "NodeStatusUnknown", Message = "Kubelet stopped posting node status." }];
        var why = PodDiagnosis.Explain(Facts(Pod(status: Waiting("ContainerCreating", ""))) with { Nodes = [node] });
        Assert.That(why.Headline, Is.EqualTo("Node node-1 is not ready, so its kubelet does not start or report this pod."));
    }

    [Test]
    public void RunningAndReady_IsHealthy()
    {
        var status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Ready = true, Image = "x", ImageID = "", State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        };
        var why = PodDiagnosis.Explain(Facts(Pod(status: status)));
        Assert.That(why.Healthy, Is.True);
        Assert.That(why.Headline, Is.EqualTo("Running and ready."));
        Assert.That(why.Findings, Is.Empty);
    }

    private static string? ContainerDiagnosisHint(int code, string reason)
    {
        var status = Waiting("CrashLoopBackOff", "");
        status.ContainerStatuses[0].LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = code, Reason = reason } };
        return PodDiagnosis.Explain(Facts(Pod(status: status))).Findings[0].Hint;
    }

    private static PodFacts Facts(V1Pod pod) => new(pod) { Nodes = [Node()], Now = Now };

    private static V1Node Node() => new()
    {
        Metadata = new V1ObjectMeta { Name = "node-1", Labels = new Dictionary<string, string>() },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("4Gi"), ["pods"] = new("110") },
            Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
        },
    };

    private static V1Pod Pod(string image = "acme/api:v2", string? cpu = null, V1PodStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "uid-1", CreationTimestamp = Now.UtcDateTime.AddSeconds(-10) },
        Spec = new V1PodSpec
        {
            NodeName = "node-1",
            Containers = [new V1Container
            {
                Name = "app",
                Image = image,
                Resources = cpu is null ? null : new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } },
            }],
        },
        Status = status,
    };

    private static V1PodStatus Waiting(string reason, string message) => new()
    {
        Phase = "Pending",
        ContainerStatuses = [new V1ContainerStatus { Name = "app", Image = "acme/api:v2", ImageID = "", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } } }],
    };
}
