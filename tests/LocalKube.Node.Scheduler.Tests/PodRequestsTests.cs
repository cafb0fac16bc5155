using k8s.Models;
using LocalKube.Node.Machinery.Resources;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Effective pod requests: containers, sidecars, init containers and overhead.</summary>
[TestFixture]
[Category("Unit")]
public sealed class PodRequestsTests
{
    [Test]
    public void Containers_Sum()
    {
        var r = PodRequests.Compute(Spec([C("100m", "64Mi"), C("250m", "1Gi")]));
        Assert.Multiple(() =>
        {
            Assert.That(r.MilliCpu, Is.EqualTo(350));
            Assert.That(r.Memory, Is.EqualTo((64L + 1024) * 1024 * 1024));
        });
    }

    [Test]
    public void InitContainer_LargerThanTheApp_Wins()
    {
        var spec = Spec([C("100m", null)]);
        spec.InitContainers = [C("2", null)];
        Assert.That(PodRequests.Compute(spec).MilliCpu, Is.EqualTo(2000));
    }

    [Test]
    public void Sidecar_AddsToTheApp_AndToLaterInitContainers()
    {
        var spec = Spec([C("1", null)]);
        var sidecar = C("500m", null);
        sidecar.RestartPolicy = "Always";
        spec.InitContainers = [sidecar, C("1200m", null)];

        // Steady state 1 + 0.5; the second init step needs 1.2 + the sidecar's 0.5 = 1.7.
        Assert.That(PodRequests.Compute(spec).MilliCpu, Is.EqualTo(1700));
    }

    [Test]
    public void Overhead_IsAdded()
    {
        var spec = Spec([C("100m", null)]);
        spec.Overhead = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m") };
        Assert.That(PodRequests.Compute(spec).MilliCpu, Is.EqualTo(350));
    }

    [Test]
    public void NonZero_DefaultsOnlyUnsetRequests()
    {
        var r = PodRequests.ComputeNonZero(Spec([C(null, null), C("0", "1Mi")]));
        Assert.Multiple(() =>
        {
            Assert.That(r.MilliCpu, Is.EqualTo(PodRequests.DefaultMilliCpuRequest));
            Assert.That(r.Memory, Is.EqualTo(PodRequests.DefaultMemoryRequest + (1024 * 1024)));
        });
    }

    [Test]
    public void FractionalMillicores_RoundUp() =>
        Assert.That(PodRequests.Compute(Spec([C("0.0001", null)])).MilliCpu, Is.EqualTo(1));

    private static V1PodSpec Spec(List<V1Container> containers) => new() { Containers = containers };

    private static V1Container C(string? cpu, string? memory)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpu);
        }

        if (memory is not null)
        {
            requests["memory"] = new ResourceQuantity(memory);
        }

        return new V1Container { Name = "c", Resources = new V1ResourceRequirements { Requests = requests } };
    }
}
