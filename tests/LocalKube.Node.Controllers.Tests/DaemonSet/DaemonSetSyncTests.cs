using System.Globalization;
using System.Net;
using k8s.Models;
using LocalKube.Node.Controllers.DaemonSet;
using LocalKube.Node.Controllers.Shared;
using LocalKube.Node.Controllers.Tests.Deployment;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.DaemonSet;

[TestFixture]
public sealed class DaemonSetSyncTests
{
    private FakeTimeProvider _time = null!;
    private FakeDaemonSetActions _api = null!;
    private DaemonSetSync _sync = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _api = new FakeDaemonSetActions(() => _time.GetUtcNow().UtcDateTime);
        _sync = new DaemonSetSync(_api, new FailedPodBackoff(_time), _time);
    }

    [Test]
    public async Task OnePodPerNode_PinnedByMatchFields_WithDaemonTolerations()
    {
        var ds = Ds();
        await SyncAsync(ds, [Node("node-a")]);
        var pod = _api.Pods.Values.Single();
        var revision = _api.Revisions.Values.Single();
        var hash = revision.Metadata.Labels["controller-revision-hash"];
        Assert.Multiple(() =>
        {
            Assert.That(pod.Metadata.GenerateName, Is.EqualTo("fluentd-"));
            Assert.That(pod.Spec.NodeName, Is.Null, "the scheduler binds it");
            var term = pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single();
            Assert.That(term.MatchFields.Single().Key, Is.EqualTo("metadata.name"));
            Assert.That(term.MatchFields.Single().Values, Is.EqualTo(new[] { "node-a" }));
            Assert.That(pod.Spec.Tolerations.Select(t => $"{t.Key}:{t.Effect}"), Is.SupersetOf(new[]
            {
                "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/disk-pressure:NoSchedule",
                "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule",
            }));
            Assert.That(pod.Metadata.Labels["controller-revision-hash"], Is.EqualTo(hash));
            Assert.That(revision.Metadata.Name, Is.EqualTo("fluentd-" + hash));
            Assert.That(revision.Revision, Is.EqualTo(1));
            Assert.That(_api.Stored!.Status.DesiredNumberScheduled, Is.EqualTo(1));
            Assert.That(_api.Events.Single(), Does.StartWith("Normal SuccessfulCreate Created pod: fluentd-"));
        });

        await SyncAsync(ds, [Node("node-a")]);
        Assert.That(_api.Pods, Has.Count.EqualTo(1), "no second pod");
    }

    [Test]
    public async Task Taints_NoScheduleStopsNewPods_NoExecuteRemovesRunningOnes()
    {
        var ds = Ds();
        var tainted = Node("node-a");
        tainted.Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }] };
        await SyncAsync(ds, [tainted]);
        Assert.That(_api.Pods, Is.Empty);

        ds.Spec.Template.Spec.Tolerations = [new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "gpu", Effect = "NoSchedule" }];
        await SyncAsync(ds, [tainted]);
        Assert.That(_api.Pods, Has.Count.EqualTo(1));

        tainted.Spec.Taints.Add(new V1Taint { Key = "evict", Effect = "NoExecute" });
        await SyncAsync(ds, [tainted]);
        Assert.That(_api.Pods, Is.Empty);
    }

    [Test]
    public async Task CordonedNode_StillGetsItsPod()
    {
        var node = Node("node-a");
        node.Spec = new V1NodeSpec { Unschedulable = true, Taints = [new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" }] };
        await SyncAsync(Ds(), [node]);
        Assert.That(_api.Pods, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task NodeSelectorMismatch_NoPod_AndExistingOneIsMisscheduledThenRemoved()
    {
        var ds = Ds();
        await SyncAsync(ds, [Node("node-a")]);
        ds.Spec.Template.Spec.NodeSelector = new Dictionary<string, string> { ["disk"] = "ssd" };
        ds.Metadata.Generation = 2;
        await SyncAsync(ds, [Node("node-a")]);
        Assert.That(_api.Pods, Is.Empty);
        Assert.That(_api.Stored!.Status.DesiredNumberScheduled, Is.Zero);
    }

    [Test]
    public async Task FailedPod_IsKilledWithEvent_ThenBackoffHoldsTheNextKill()
    {
        var ds = Ds();
        await SyncAsync(ds, [Node("node-a")]);
        var pod = _api.Pods.Values.Single();
        pod.Status.Phase = "Failed";
        await SyncAsync(ds, [Node("node-a")]);
        Assert.That(_api.Events, Has.Some.EqualTo($"Warning FailedDaemonPod Found failed daemon pod default/{pod.Metadata.Name} on node node-a, will try to kill it"));
        Assert.That(_api.Pods.ContainsKey(pod.Metadata.Name), Is.False);

        await SyncAsync(ds, [Node("node-a")]);
        var second = _api.Pods.Values.Single();
        second.Status.Phase = "Failed";
        var requeue = await SyncAsync(ds, [Node("node-a")]);
        Assert.That(_api.Pods.ContainsKey(second.Metadata.Name), Is.True, "within the 1 s backoff");
        Assert.That(requeue, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task RollingUpdate_ReplacesOldPodsWithinMaxUnavailable()
    {
        var ds = Ds();
        var nodes = new List<V1Node> { Node("a"), Node("b"), Node("c") };
        await SyncAsync(ds, nodes);
        _api.RunAll();
        ds.Spec.Template.Spec.Containers[0].Image = "fluentd:2";
        ds.Metadata.Generation = 2;
        await SyncAsync(ds, nodes);
        Assert.That(_api.Pods.Values.Count(p => p.Spec.Containers[0].Image == "fluentd:1"), Is.EqualTo(2), "one old pod deleted (maxUnavailable 1)");

        for (var i = 0; i < 8; i++)
        {
            await SyncAsync(ds, nodes);
            _api.RunAll();
        }

        Assert.That(_api.Pods.Values.Select(p => p.Spec.Containers[0].Image), Is.All.EqualTo("fluentd:2"));
        Assert.That(_api.Pods, Has.Count.EqualTo(3));
        Assert.That(_api.Revisions, Has.Count.EqualTo(2));
        Assert.That(_api.Stored!.Status.UpdatedNumberScheduled, Is.EqualTo(3));
        Assert.That(_api.Stored.Status.NumberAvailable, Is.EqualTo(3));
    }

    [Test]
    public void Eligibility_MatchesRequiredAffinityTerms()
    {
        var ds = Ds();
        ds.Spec.Template.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "zone", OperatorProperty = "In", Values = ["x"] }] },
                        new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "cores", OperatorProperty = "Gt", Values = ["8"] }] },
                    ],
                },
            },
        };
        var big = Node("big");
        big.Metadata.Labels = new Dictionary<string, string> { ["cores"] = "16" };
        var small = Node("small");
        small.Metadata.Labels = new Dictionary<string, string> { ["cores"] = "4", ["zone"] = "y" };
        Assert.That(NodeEligibility.Evaluate(big, ds).ShouldRun, Is.True);
        Assert.That(NodeEligibility.Evaluate(small, ds).ShouldRun, Is.False);
    }

    private async Task<TimeSpan?> SyncAsync(V1DaemonSet ds, List<V1Node> nodes)
    {
        ds.Status = _api.Stored?.Status ?? ds.Status;
        return await _sync.SyncAsync(ds, nodes, _api.Pods.Values.Select(ModelCopy.Clone).ToList(), _api.Revisions.Values.Select(ModelCopy.Clone).ToList(), CancellationToken.None);
    }

    private static V1Node Node(string name) => new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>() } };

    private static V1DaemonSet Ds() => new()
    {
        Metadata = new V1ObjectMeta { Name = "fluentd", NamespaceProperty = "default", Uid = "ds-uid", Generation = 1 },
        Spec = new V1DaemonSetSpec
        {
            RevisionHistoryLimit = 10,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "fluentd" } },
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = 1, MaxSurge = 0 } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "fluentd" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "fluentd:1" }] },
            },
        },
    };

    private sealed class FakeDaemonSetActions(Func<DateTime> now) : IDaemonSetActions
    {
        private int _next;

        public Dictionary<string, V1Pod> Pods { get; } = [];

        public Dictionary<string, V1ControllerRevision> Revisions { get; } = [];

        public List<string> Events { get; } = [];

        public V1DaemonSet? Stored { get; private set; }

        public Task<V1Pod> CreatePodAsync(V1Pod pod, CancellationToken cancellationToken)
        {
            lock (Pods)
            {
                var copy = ModelCopy.Clone(pod);
                copy.Metadata.Name = pod.Metadata.GenerateName + (++_next).ToString(CultureInfo.InvariantCulture);
                copy.Metadata.NamespaceProperty = "default";
                copy.Metadata.Uid = "uid-" + copy.Metadata.Name;
                copy.Metadata.CreationTimestamp = now().AddSeconds(_next);
                copy.Status = new V1PodStatus { Phase = "Pending" };
                Pods[copy.Metadata.Name] = copy;
                return Task.FromResult(copy);
            }
        }

        public Task DeletePodAsync(V1Pod pod, CancellationToken cancellationToken)
        {
            lock (Pods)
            {
                Pods.Remove(pod.Metadata.Name);
            }

            return Task.CompletedTask;
        }

        public Task<V1ControllerRevision> CreateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
        {
            if (Revisions.ContainsKey(revision.Metadata.Name))
            {
                throw FakeDeploymentActions.Error(HttpStatusCode.Conflict, "AlreadyExists", "exists");
            }

            Revisions[revision.Metadata.Name] = ModelCopy.Clone(revision);
            return Task.FromResult(ModelCopy.Clone(revision));
        }

        public Task<V1ControllerRevision> GetRevisionAsync(string ns, string name, CancellationToken cancellationToken) => Task.FromResult(ModelCopy.Clone(Revisions[name]));

        public Task<V1ControllerRevision> UpdateRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
        {
            Revisions[revision.Metadata.Name] = ModelCopy.Clone(revision);
            return Task.FromResult(revision);
        }

        public Task DeleteRevisionAsync(V1ControllerRevision revision, CancellationToken cancellationToken)
        {
            Revisions.Remove(revision.Metadata.Name);
            return Task.CompletedTask;
        }

        public Task<V1DaemonSet> GetDaemonSetAsync(string ns, string name, CancellationToken cancellationToken) => Task.FromResult(ModelCopy.Clone(Stored!));

        public Task UpdateStatusAsync(V1DaemonSet ds, CancellationToken cancellationToken)
        {
            Stored = ModelCopy.Clone(ds);
            return Task.CompletedTask;
        }

        public void Event(V1DaemonSet ds, string type, string reason, string message)
        {
            lock (Events)
            {
                Events.Add($"{type} {reason} {message}");
            }
        }

        public bool ExpectationsSatisfied() => true;

        public void ExpectCreations(int count)
        {
        }

        public void CreationObserved()
        {
        }

        public void ExpectDeletions(IReadOnlyList<string> podKeys)
        {
        }

        public void DeletionObserved(string podKey)
        {
        }

        // The scheduler and kubelet: bind to the pinned node, run and be ready.
        public void RunAll()
        {
            foreach (var pod in Pods.Values)
            {
                pod.Spec.NodeName = DaemonPods.TargetNode(pod);
                pod.Status = new V1PodStatus
                {
                    Phase = "Running",
                    Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = now().AddMinutes(-1) }],
                };
            }
        }
    }
}
