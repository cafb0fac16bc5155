using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// The API server pieces the scheduler and controllers rely on: <c>pods/binding</c>, <c>pods/eviction</c> with
/// PodDisruptionBudgets, the Priority, scheduling-gate, DefaultStorageClass and storage-protection admission, and the
/// system priority classes.
/// </summary>
[TestFixture]
public sealed class PodSchedulingApiTests
{
    private ClientAgent _agent = null!;
    private int _n;

    private Kubernetes Client => _agent.Client;

    [OneTimeSetUp]
    public async Task StartAsync() => _agent = await ClientAgent.StartAsync("lk-podsched");

    [OneTimeTearDown]
    public async Task StopAsync() => await _agent.DisposeAsync();

    [Test]
    public async Task Binding_SetsNodeAndCondition_ThenRefusesASecondBinding()
    {
        var pod = await CreatePodAsync();
        await Client.CreateNamespacedPodBindingAsync(Binding(pod.Metadata.Name, "minikube"), pod.Metadata.Name, "default");
        var bound = await Client.ReadNamespacedPodAsync(pod.Metadata.Name, "default");
        var scheduled = bound.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Multiple(() =>
        {
            Assert.That(bound.Spec.NodeName, Is.EqualTo("minikube"));
            Assert.That(scheduled.Status, Is.EqualTo("True"));
            Assert.That(scheduled.Reason, Is.Null);
            Assert.That(scheduled.LastTransitionTime, Is.Not.Null);
        });

        var again = await FailureAsync(() => Client.CreateNamespacedPodBindingAsync(Binding(pod.Metadata.Name, "other"), pod.Metadata.Name, "default"));
        Assert.That(again, Is.EqualTo((HttpStatusCode.Conflict,
            $"Operation cannot be fulfilled on pods/binding \"{pod.Metadata.Name}\": pod {pod.Metadata.Name} is already assigned to node \"minikube\"")));
    }

    [Test]
    public async Task Binding_BadRequests()
    {
        var pod = await CreatePodAsync();
        var name = pod.Metadata.Name;
        Assert.That(await FailureAsync(() => Client.CreateNamespacedPodBindingAsync(Binding("other", "n"), name, "default")),
            Is.EqualTo((HttpStatusCode.BadRequest, "name in URL does not match name in Binding object")));
        Assert.That(await FailureAsync(() => Client.CreateNamespacedPodBindingAsync(Binding("missing", "n"), "missing", "default")),
            Is.EqualTo((HttpStatusCode.NotFound, "pods \"missing\" not found")));
        var wrongUid = Binding(name, "n");
        wrongUid.Metadata.Uid = "not-the-uid";
        Assert.That((await FailureAsync(() => Client.CreateNamespacedPodBindingAsync(wrongUid, name, "default"))).Code, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await Client.ReadNamespacedPodAsync(name, "default")).Spec.NodeName, Is.Null);
    }

    [Test]
    public async Task GatedPod_CreatedSchedulingGated_CannotBeBound_GatesOnlyRemoved()
    {
        var pod = NewPod();
        pod.Spec.SchedulingGates = [new V1PodSchedulingGate { Name = "example.com/wait" }];
        pod = await Client.CreateNamespacedPodAsync(pod, "default");
        var condition = pod.Status.Conditions.Single();
        Assert.That((condition.Type, condition.Status, condition.Reason, condition.Message),
            Is.EqualTo(("PodScheduled", "False", "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates")));

        var name = pod.Metadata.Name;
        Assert.That(await FailureAsync(() => Client.CreateNamespacedPodBindingAsync(Binding(name, "minikube"), name, "default")), Is.EqualTo((HttpStatusCode.Conflict,
            $"Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} has non-empty .spec.schedulingGates")));

        pod.Spec.SchedulingGates.Add(new V1PodSchedulingGate { Name = "example.com/more" });
        var added = await FailureAsync(() => Client.ReplaceNamespacedPodAsync(pod, name, "default"));
        Assert.That(added.Message, Does.Contain("spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/more'"));

        pod = await Client.ReadNamespacedPodAsync(name, "default");
        pod.Spec.SchedulingGates = null;
        await Client.ReplaceNamespacedPodAsync(pod, name, "default");
        await Client.CreateNamespacedPodBindingAsync(Binding(name, "minikube"), name, "default");
    }

    [Test]
    public async Task Priority_DefaultClassAndNamedClass()
    {
        var plain = await CreatePodAsync();
        Assert.That((plain.Spec.Priority, plain.Spec.PreemptionPolicy, plain.Spec.PriorityClassName), Is.EqualTo(((int?)0, "PreemptLowerPriority", (string?)null)));

        var critical = NewPod();
        critical.Spec.PriorityClassName = "system-cluster-critical";
        critical = await Client.CreateNamespacedPodAsync(critical, "default");
        Assert.That(critical.Spec.Priority, Is.EqualTo(2000000000));

        var unknown = NewPod();
        unknown.Spec.PriorityClassName = "nope";
        var refused = await FailureAsync(() => Client.CreateNamespacedPodAsync(unknown, "default"));
        Assert.That(refused, Is.EqualTo((HttpStatusCode.Forbidden, $"pods \"{unknown.Metadata.Name}\" is forbidden: no PriorityClass with name nope was found")));

        var contradicting = NewPod();
        contradicting.Spec.Priority = 7;
        Assert.That((await FailureAsync(() => Client.CreateNamespacedPodAsync(contradicting, "default"))).Message,
            Does.EndWith("the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"));
    }

    [Test]
    public async Task Priority_GlobalDefaultClassIsUsed()
    {
        await Client.CreatePriorityClassAsync(new V1PriorityClass
        {
            Metadata = new V1ObjectMeta { Name = "everyday" }, Value = 1000, GlobalDefault = true, PreemptionPolicy = "Never",
        });
        try
        {
            // Admission reads priority classes at most a second old.
            await Task.Delay(1100);
            var pod = await CreatePodAsync();
            Assert.That((pod.Spec.Priority, pod.Spec.PriorityClassName, pod.Spec.PreemptionPolicy), Is.EqualTo(((int?)1000, "everyday", "Never")));
        }
        finally
        {
            await Client.DeletePriorityClassAsync("everyday");
            await Task.Delay(1100);
        }
    }

    [Test]
    public async Task Eviction_WithoutBudget_MarksAndDeletes()
    {
        var pod = await RunningPodAsync();
        await Client.CreateNamespacedPodEvictionAsync(Eviction(pod.Metadata.Name), pod.Metadata.Name, "default");
        var evicted = await Client.ReadNamespacedPodAsync(pod.Metadata.Name, "default");
        var target = evicted.Status.Conditions.Single(c => c.Type == "DisruptionTarget");
        Assert.Multiple(() =>
        {
            Assert.That(evicted.Metadata.DeletionTimestamp, Is.Not.Null, "a bound pod is deleted gracefully");
            Assert.That((target.Status, target.Reason, target.Message), Is.EqualTo(("True", "EvictionByEvictionAPI", "Eviction API: evicting")));
        });
    }

    [Test]
    public async Task Eviction_SpendsTheBudget_ThenTooManyRequests()
    {
        var label = "budget-" + Interlocked.Increment(ref _n);
        var first = await RunningPodAsync(label);
        var second = await RunningPodAsync(label);
        var budget = await Client.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new V1ObjectMeta { Name = label },
            Spec = new V1PodDisruptionBudgetSpec
            {
                MinAvailable = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["group"] = label } },
            },
        }, "default");
        budget.Status = new V1PodDisruptionBudgetStatus { CurrentHealthy = 2, DesiredHealthy = 1, DisruptionsAllowed = 1, ExpectedPods = 2, ObservedGeneration = budget.Metadata.Generation };
        await Client.ReplaceNamespacedPodDisruptionBudgetStatusAsync(budget, label, "default");

        await Client.CreateNamespacedPodEvictionAsync(Eviction(first.Metadata.Name), first.Metadata.Name, "default");
        var spent = await Client.ReadNamespacedPodDisruptionBudgetAsync(label, "default");
        Assert.Multiple(() =>
        {
            Assert.That(spent.Status.DisruptionsAllowed, Is.Zero);
            Assert.That(spent.Status.DisruptedPods.Keys, Is.EqualTo(new[] { first.Metadata.Name }));
            Assert.That(spent.Status.Conditions.Single().Reason, Is.EqualTo("InsufficientPods"));
        });

        var e = Assert.ThrowsAsync<HttpOperationException>(() => Client.CreateNamespacedPodEvictionAsync(Eviction(second.Metadata.Name), second.Metadata.Name, "default"))!;
        var status = JsonDocument.Parse(e.Response.Content).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(e.Response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(status.GetProperty("message").GetString(), Is.EqualTo("Cannot evict pod as it would violate the pod's disruption budget."));
            var cause = status.GetProperty("details").GetProperty("causes")[0];
            Assert.That(cause.GetProperty("reason").GetString(), Is.EqualTo("DisruptionBudget"));
            Assert.That(cause.GetProperty("message").GetString(), Is.EqualTo($"The disruption budget {label} needs 1 healthy pods and has 2 currently"));
        });
        Assert.That((await Client.ReadNamespacedPodAsync(second.Metadata.Name, "default")).Metadata.DeletionTimestamp, Is.Null);

        // A pending pod is not protected by the budget.
        var pending = await CreatePodAsync(label);
        await Client.CreateNamespacedPodEvictionAsync(Eviction(pending.Metadata.Name), pending.Metadata.Name, "default");
    }

    [Test]
    public async Task Eviction_TwoBudgets_Refused()
    {
        var label = "two-" + Interlocked.Increment(ref _n);
        var pod = await RunningPodAsync(label);
        foreach (var name in new[] { label + "-a", label + "-b" })
        {
            await Client.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["group"] = label } } },
            }, "default");
        }

        Assert.That(await FailureAsync(() => Client.CreateNamespacedPodEvictionAsync(Eviction(pod.Metadata.Name), pod.Metadata.Name, "default")),
            Is.EqualTo((HttpStatusCode.InternalServerError, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")));
    }

    [Test]
    public async Task Claims_GetTheDefaultClassAndTheProtectionFinalizer()
    {
        await Client.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = "fast", Annotations = new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" } },
            Provisioner = "example.com/fast",
        });
        try
        {
            await Task.Delay(1100);
            var claim = await Client.CreateNamespacedPersistentVolumeClaimAsync(Claim("defaulted", null), "default");
            var explicitNone = await Client.CreateNamespacedPersistentVolumeClaimAsync(Claim("none", ""), "default");
            Assert.Multiple(() =>
            {
                Assert.That(claim.Spec.StorageClassName, Is.EqualTo("fast"));
                Assert.That(claim.Metadata.Finalizers, Is.EqualTo(new[] { "kubernetes.io/pvc-protection" }));
                Assert.That(explicitNone.Spec.StorageClassName, Is.EqualTo(""));
            });

            var volume = await Client.CreatePersistentVolumeAsync(new V1PersistentVolume
            {
                Metadata = new V1ObjectMeta { Name = "pv-" + Interlocked.Increment(ref _n) },
                Spec = new V1PersistentVolumeSpec
                {
                    Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                    AccessModes = ["ReadWriteOnce"],
                    HostPath = new V1HostPathVolumeSource { Path = "/tmp/x" },
                },
            });
            Assert.That(volume.Metadata.Finalizers, Is.EqualTo(new[] { "kubernetes.io/pv-protection" }));
        }
        finally
        {
            await Client.DeleteStorageClassAsync("fast");
            await Task.Delay(1100);
        }
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

    private static V1Binding Binding(string pod, string node) => new()
    {
        Metadata = new V1ObjectMeta { Name = pod },
        Target = new V1ObjectReference { Kind = "Node", Name = node },
    };

    private static V1Eviction Eviction(string pod) => new() { Metadata = new V1ObjectMeta { Name = pod, NamespaceProperty = "default" } };

    private V1Pod NewPod(string? group = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "p" + Interlocked.Increment(ref _n),
            Labels = group is null ? null : new Dictionary<string, string> { ["group"] = group },
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] },
    };

    [Test]
    public async Task EphemeralContainers_are_added_through_their_subresource_as_kubectl_debug_does()
    {
        var pod = await CreatePodAsync();
        var name = pod.Metadata.Name;
        var container = pod.Spec.Containers[0].Name;
        Assert.That((await Client.ReadNamespacedPodEphemeralcontainersAsync(name, "default")).Metadata.Uid, Is.EqualTo(pod.Metadata.Uid), "GET returns the pod");

        // kubectl debug: a strategic merge patch of the pod adding one ephemeral container.
        var patch = $$$"""{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox","stdin":true,"tty":true,"targetContainerName":"{{{container}}}"}]}}""";
        var debugged = await Client.PatchNamespacedPodEphemeralcontainersAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), name, "default");
        Assert.Multiple(() =>
        {
            Assert.That(debugged.Spec.EphemeralContainers.Select(c => (c.Name, c.TargetContainerName)), Is.EqualTo(new[] { ("debugger", container) }));
            Assert.That(debugged.Spec.EphemeralContainers[0].TerminationMessagePolicy, Is.EqualTo("File"), "defaulted as a container");
            Assert.That(debugged.Metadata.ManagedFields.Select(f => f.Subresource), Does.Contain("ephemeralcontainers"));
        });

        // The pod itself cannot change them: a replace keeps the stored list.
        debugged.Spec.EphemeralContainers.Clear();
        var replaced = await Client.ReplaceNamespacedPodAsync(debugged, name, "default");
        Assert.That(replaced.Spec.EphemeralContainers.Select(c => c.Name), Is.EqualTo(new[] { "debugger" }));

        var changed = $$$"""{"spec":{"ephemeralContainers":[{"name":"debugger","image":"other","stdin":true,"tty":true,"targetContainerName":"{{{container}}}"}]}}""";
        Assert.That(await FailureAsync(() => Client.PatchNamespacedPodEphemeralcontainersAsync(new V1Patch(changed, V1Patch.PatchType.StrategicMergePatch), name, "default")),
            Is.EqualTo((HttpStatusCode.UnprocessableEntity, $"Pod \"{name}\" is invalid: spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers \"debugger\" may not be changed")));
        var clash = $$$"""[{"op":"add","path":"/spec/ephemeralContainers/-","value":{"name":"{{{container}}}","image":"busybox","ports":[{"containerPort":80}]}}]""";
        Assert.That(await FailureAsync(() => Client.PatchNamespacedPodEphemeralcontainersAsync(new V1Patch(clash, V1Patch.PatchType.JsonPatch), name, "default")),
            Is.EqualTo((HttpStatusCode.UnprocessableEntity,
                $"Pod \"{name}\" is invalid: [spec.ephemeralContainers[1].name: Duplicate value: \"{container}\", spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container]")));
        var missingTarget = """[{"op":"add","path":"/spec/ephemeralContainers/-","value":{"name":"second","image":"busybox","targetContainerName":"nope"}}]""";
        Assert.That((await FailureAsync(() => Client.PatchNamespacedPodEphemeralcontainersAsync(new V1Patch(missingTarget, V1Patch.PatchType.JsonPatch), name, "default"))).Message,
            Does.EndWith("spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\""));
    }

    private Task<V1Pod> CreatePodAsync(string? group = null) => Client.CreateNamespacedPodAsync(NewPod(group), "default");

    private async Task<V1Pod> RunningPodAsync(string? group = null)
    {
        var pod = await CreatePodAsync(group);
        await Client.CreateNamespacedPodBindingAsync(Binding(pod.Metadata.Name, "minikube"), pod.Metadata.Name, "default");
        pod = await Client.ReadNamespacedPodAsync(pod.Metadata.Name, "default");
        pod.Status.Phase = "Running";
        pod.Status.Conditions.Add(new V1PodCondition { Type = "Ready", Status = "True" });
        return await Client.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, "default");
    }

    private static async Task<(HttpStatusCode Code, string Message)> FailureAsync(Func<Task> call)
    {
        var e = Assert.ThrowsAsync<HttpOperationException>(async () => await call())!;
        await Task.CompletedTask;
        return (e.Response.StatusCode, JsonDocument.Parse(e.Response.Content).RootElement.GetProperty("message").GetString()!);
    }
}
