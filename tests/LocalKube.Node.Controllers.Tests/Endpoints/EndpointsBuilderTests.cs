using k8s.Models;
using LocalKube.Node.Controllers.Endpoints;
using NUnit.Framework;
using static LocalKube.Node.Controllers.Tests.Endpoints.EndpointObjects;

namespace LocalKube.Node.Controllers.Tests.Endpoints;

[TestFixture]
[Category("Unit")]
public sealed class EndpointsBuilderTests
{
    [Test]
    public void ReadyAndNotReady_SplitInOneSubset_TerminatingDropped()
    {
        var pods = new[] { Pod("a", "10.244.0.2"), Pod("b", "10.244.0.3", ready: false), Pod("c", "10.244.0.4", terminating: true), Pod("d", "10.244.0.5", phase: "Succeeded") };
        var subset = EndpointsBuilder.Subsets(Service(), pods).Single();
        Assert.Multiple(() =>
        {
            Assert.That(subset.Addresses.Select(a => a.Ip), Is.EqualTo(new[] { "10.244.0.2" }));
            Assert.That(subset.NotReadyAddresses.Select(a => a.Ip), Is.EqualTo(new[] { "10.244.0.3" }));
            Assert.That(subset.Ports.Single().Port, Is.EqualTo(8080));
            Assert.That(subset.Ports.Single().Name, Is.EqualTo("http"));
            Assert.That(subset.Addresses[0].TargetRef.Name, Is.EqualTo("a"));
            Assert.That(subset.Addresses[0].NodeName, Is.EqualTo("minikube"));
        });
    }

    [Test]
    public void PublishNotReadyAddresses_EverythingReady_IncludingTerminating()
    {
        var pods = new[] { Pod("a", "10.244.0.2", ready: false), Pod("b", "10.244.0.3", terminating: true) };
        var subset = EndpointsBuilder.Subsets(Service(publishNotReady: true), pods).Single();
        Assert.That(subset.Addresses.Select(a => a.Ip), Is.EqualTo(new[] { "10.244.0.2", "10.244.0.3" }));
        Assert.That(subset.NotReadyAddresses, Is.Null);
    }

    [Test]
    public void NamedTargetPort_MatchesNameAndProtocol_PodsWithoutItAreLeftOut()
    {
        var service = Service(ports: new V1ServicePort { Name = "dns", Port = 53, TargetPort = "dns", Protocol = "UDP" });
        var udp = Pod("udp", "10.244.0.2", ports: new V1ContainerPort { Name = "dns", ContainerPort = 5353, Protocol = "UDP" });
        var tcp = Pod("tcp", "10.244.0.3", ports: new V1ContainerPort { Name = "dns", ContainerPort = 5353, Protocol = "TCP" });
        var subset = EndpointsBuilder.Subsets(service, [udp, tcp]).Single();
        Assert.That(subset.Addresses.Select(a => a.TargetRef.Name), Is.EqualTo(new[] { "udp" }));
        Assert.That(subset.Ports.Single().Port, Is.EqualTo(5353));
    }

    [Test]
    public void PortsServedByDifferentPods_SeparateSubsets()
    {
        var service = Service(ports: [new V1ServicePort { Name = "a", Port = 1, TargetPort = "a" }, new V1ServicePort { Name = "b", Port = 2, TargetPort = "b" }]);
        var both = Pod("both", "10.0.0.1", ports: [new V1ContainerPort { Name = "a", ContainerPort = 11 }, new V1ContainerPort { Name = "b", ContainerPort = 12 }]);
        var onlyA = Pod("only-a", "10.0.0.2", ports: new V1ContainerPort { Name = "a", ContainerPort = 11 });
        var subsets = EndpointsBuilder.Subsets(service, [both, onlyA]);
        Assert.That(subsets.Select(s => (string.Join(",", s.Addresses.Select(a => a.Ip)), string.Join(",", s.Ports.Select(p => p.Name)))),
            Is.EqualTo(new[] { ("10.0.0.1,10.0.0.2", "a"), ("10.0.0.1", "b") }));
    }

    [Test]
    public void HeadlessWithoutPorts_AddressesWithoutPorts_AndTheHeadlessLabel()
    {
        var service = Service(clusterIp: "None");
        service.Spec.Ports = null;
        var desired = EndpointsBuilder.Desired(service, [Pod("a", "10.244.0.2")], null, null)!;
        Assert.Multiple(() =>
        {
            Assert.That(desired.Subsets.Single().Ports, Is.Null);
            Assert.That(desired.Subsets.Single().Addresses.Single().Ip, Is.EqualTo("10.244.0.2"));
            Assert.That(desired.Metadata.Labels, Is.EqualTo(new Dictionary<string, string> { ["team"] = "a", ["service.kubernetes.io/headless"] = "" }));
        });
    }

    [Test]
    public void Hostname_OnlyWhenTheSubdomainIsTheService()
    {
        var pod = Pod("a", "10.0.0.1");
        pod.Spec.Hostname = "a";
        Assert.That(EndpointsBuilder.Subsets(Service(), [pod]).Single().Addresses[0].Hostname, Is.Null);
        pod.Spec.Subdomain = "web";
        Assert.That(EndpointsBuilder.Subsets(Service(), [pod]).Single().Addresses[0].Hostname, Is.EqualTo("a"));
    }

    [Test]
    public void Unchanged_NoWrite_ChangedReadiness_Write()
    {
        var service = Service();
        var first = EndpointsBuilder.Desired(service, [Pod("a", "10.0.0.1")], null, null)!;
        Assert.That(EndpointsBuilder.Desired(service, [Pod("a", "10.0.0.1")], first, null), Is.Null);
        var changed = EndpointsBuilder.Desired(service, [Pod("a", "10.0.0.1", ready: false)], first, new DateTime(2026, 1, 1, 0, 0, 5, 123, DateTimeKind.Utc))!;
        Assert.Multiple(() =>
        {
            Assert.That(changed.Subsets.Single().NotReadyAddresses.Single().Ip, Is.EqualTo("10.0.0.1"));
            Assert.That(changed.Metadata.Annotations["endpoints.kubernetes.io/last-change-trigger-time"], Is.EqualTo("2026-01-01T00:00:05.123Z"));
        });
    }

    [Test]
    public void OverThousand_TruncatedAndAnnotated_ReadyFirst()
    {
        var pods = Enumerable.Range(0, 1200).Select(i => Pod("p" + i, $"10.0.{i / 250}.{i % 250}", ready: i < 900)).ToList();
        var desired = EndpointsBuilder.Desired(Service(), pods, null, null)!;
        var subset = desired.Subsets.Single();
        Assert.Multiple(() =>
        {
            Assert.That(subset.Addresses, Has.Count.EqualTo(900));
            Assert.That(subset.NotReadyAddresses, Has.Count.EqualTo(100));
            Assert.That(desired.Metadata.Annotations["endpoints.kubernetes.io/over-capacity"], Is.EqualTo("truncated"));
        });
    }

    [Test]
    public void TriggerTime_NothingOnFirstSync_ThenTheChangedPodsReadyTransition()
    {
        var tracker = new TriggerTimeTracker();
        var service = Service();
        Assert.That(tracker.Compute(service, [Pod("a", "10.0.0.1")]), Is.Null);
        Assert.That(tracker.Compute(service, [Pod("a", "10.0.0.1")]), Is.Null, "nothing moved");
        var moved = Pod("a", "10.0.0.1");
        moved.Status.Conditions[0].LastTransitionTime = new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc);
        Assert.That(tracker.Compute(service, [moved]), Is.EqualTo(new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void NoPods_EmptySubsets_ThenNoWrite()
    {
        var first = EndpointsBuilder.Desired(Service(), [], null, null)!;
        Assert.That(first.Subsets, Is.Empty);
        Assert.That(EndpointsBuilder.Desired(Service(), [], first, null), Is.Null);
    }
}
