using k8s.Models;
using LocalKube.Node.Kubelet.Api;

namespace LocalKube.Node.Kubelet.Tests.Core;

/// <summary>Container events name their container as upstream (so two containers' Created events stay apart in describe).</summary>
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
}
