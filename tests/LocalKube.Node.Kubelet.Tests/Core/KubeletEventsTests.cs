using k8s;
using k8s.Models;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Kubelet.Api;

namespace LocalKube.Node.Kubelet.Tests.Core;

/// <summary>
/// Container events name their container as upstream (so two containers' Created events stay apart in describe), and
/// events that upstream's core/v1 recorder keeps apart by message get actions of their own (events.k8s.io folds by action).
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class KubeletEventsTests
{
    [Test]
    public void Events_about_a_container_carry_its_field_path()
    {
        var pod = new V1Pod
        {
            Spec = new V1PodSpec
            {
                InitContainers = [new V1Container { Name = "setup" }],
                Containers = [new V1Container { Name = "app" }],
                EphemeralContainers = [new V1EphemeralContainer { Name = "debugger" }],
            },
        };

        Assert.Multiple(() =>
        {
            Assert.That(KubeletEvents.FieldPath(pod, "app"), Is.EqualTo("spec.containers{app}"));
            Assert.That(KubeletEvents.FieldPath(pod, "setup"), Is.EqualTo("spec.initContainers{setup}"));
            Assert.That(KubeletEvents.FieldPath(pod, "debugger"), Is.EqualTo("spec.ephemeralContainers{debugger}"));
            Assert.That(KubeletEvents.FieldPath(pod, null), Is.Null, "pod-level events");
        });
    }

    [Test]
    public void An_image_failure_and_its_error_events_do_not_fold_into_one_series()
    {
        var recorder = new ActionRecorder();
        var events = new KubeletEvents(recorder);
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] } };

        events.Record(pod, "app", "Warning", "Failed", "Failed to pull image \"x:1\": no such host");
        events.Record(pod, "app", "Warning", "Failed", "Error: ErrImagePull");
        events.Record(pod, "app", "Normal", "BackOff", "Back-off pulling image \"x:1\"");
        events.Record(pod, "app", "Warning", "Failed", "Error: ImagePullBackOff");
        events.Record(pod, "app", "Warning", "BackOff", "Back-off restarting failed container app in pod p_default(u)");
        events.Record(pod, "app", "Warning", "Failed", "Error: configmap \"c\" not found");

        Assert.That(recorder.Actions, Is.EqualTo(new[] { "Pull", "ErrImagePull", "PullBackOff", "ImagePullBackOff", "BackOff", "Sync" }));
    }

    private sealed class ActionRecorder : IEventRecorder
    {
        public List<string> Actions { get; } = [];

        public string ReportingController => "kubelet";

        public void Eventf(IKubernetesObject<V1ObjectMeta> regarding, IKubernetesObject<V1ObjectMeta>? related, string eventType, string reason, string action, string note) =>
            Actions.Add(action);
    }
}
