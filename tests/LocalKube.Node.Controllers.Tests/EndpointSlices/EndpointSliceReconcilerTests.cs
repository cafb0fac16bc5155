using k8s.Models;
using LocalKube.Node.Controllers.EndpointSlices;
using NUnit.Framework;
using static LocalKube.Node.Controllers.Tests.Endpoints.EndpointObjects;

namespace LocalKube.Node.Controllers.Tests.EndpointSlices;

[TestFixture]
[Category("Unit")]
public sealed class EndpointSliceReconcilerTests
{
    private static readonly Func<string, V1Node?> NoNodes = _ => null;

    [Test]
    public void NewService_OneSlice_WithUpstreamLabelsOwnerAndConditions()
    {
        var plan = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2", ready: false), Pod("c", "10.0.0.3", terminating: true)], NoNodes, [], null);
        var slice = plan.Create.Single();
        Assert.Multiple(() =>
        {
            Assert.That(slice.Metadata.GenerateName, Is.EqualTo("web-"));
            Assert.That(slice.Metadata.Labels, Is.EqualTo(new Dictionary<string, string>
            {
                ["team"] = "a", ["kubernetes.io/service-name"] = "web", ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
            }));
            var owner = slice.Metadata.OwnerReferences.Single();
            Assert.That((owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion), Is.EqualTo(("Service", "web", (bool?)true, (bool?)true)));
            Assert.That(slice.AddressType, Is.EqualTo("IPv4"));
            Assert.That(slice.Ports.Single().Port, Is.EqualTo(8080));
            Assert.That(slice.Endpoints.Select(e => (e.Addresses[0], e.Conditions.Ready, e.Conditions.Serving, e.Conditions.Terminating)), Is.EqualTo(new[]
            {
                ("10.0.0.1", (bool?)true, (bool?)true, (bool?)false),
                ("10.0.0.2", (bool?)false, (bool?)false, (bool?)false),
                ("10.0.0.3", (bool?)false, (bool?)true, (bool?)true),
            }));
        });
    }

    [Test]
    public void PublishNotReady_ReadyEvenWhenTerminating()
    {
        var slice = EndpointSliceReconciler.Reconcile(Service(publishNotReady: true), [Pod("c", "10.0.0.3", ready: false, terminating: true)], NoNodes, [], null).Create.Single();
        Assert.That(slice.Endpoints[0].Conditions.Ready, Is.True);
    }

    [Test]
    public void Headless_LabelledHeadless_ZoneFromTheNode()
    {
        var node = new V1Node { Metadata = new V1ObjectMeta { Name = "minikube", Labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "z1" } } };
        var slice = EndpointSliceReconciler.Reconcile(Service(clusterIp: "None"), [Pod("a", "10.0.0.1")], n => n == "minikube" ? node : null, [], null).Create.Single();
        Assert.That(slice.Metadata.Labels["service.kubernetes.io/headless"], Is.EqualTo(""));
        Assert.That(slice.Endpoints[0].Zone, Is.EqualTo("z1"));
    }

    [Test]
    public void NoPods_OnePlaceholder_WhichLaterTakesNoEndpointsButIsReplaced()
    {
        var placeholder = EndpointSliceReconciler.Reconcile(Service(), [], NoNodes, [], null).Create.Single();
        Assert.That(placeholder.Endpoints, Is.Empty);
        Assert.That(placeholder.Ports, Is.Empty);

        placeholder.Metadata.Name = "web-abcde";
        Assert.That(EndpointSliceReconciler.Reconcile(Service(), [], NoNodes, [placeholder], null).IsEmpty, Is.True, "a placeholder is kept as is");

        var plan = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1")], NoNodes, [placeholder], null);
        Assert.That(plan.Create, Has.Count.EqualTo(1));
        Assert.That(plan.Delete.Single().Metadata.Name, Is.EqualTo("web-abcde"));
    }

    [Test]
    public void HundredPerSlice_250Pods_ThreeSlices()
    {
        var pods = Enumerable.Range(0, 250).Select(i => Pod("p" + i, $"10.0.{i / 200}.{i % 200}")).ToList();
        var plan = EndpointSliceReconciler.Reconcile(Service(), pods, NoNodes, [], null);
        Assert.That(plan.Create.Select(s => s.Endpoints.Count), Is.EqualTo(new[] { 100, 100, 50 }));
    }

    [Test]
    public void ExistingSlice_UpdatedInPlace_UnchangedNotWritten()
    {
        var first = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1")], NoNodes, [], null).Create.Single();
        first.Metadata.Name = "web-xyz";
        first.Metadata.ResourceVersion = "7";
        Assert.That(EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1")], NoNodes, [first], null).IsEmpty, Is.True);

        var trigger = new DateTime(2026, 1, 1, 0, 0, 9, DateTimeKind.Utc);
        var plan = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1", ready: false), Pod("b", "10.0.0.2")], NoNodes, [first], trigger);
        var updated = plan.Update.Single();
        Assert.Multiple(() =>
        {
            Assert.That(plan.Create, Is.Empty);
            Assert.That(updated.Metadata.Name, Is.EqualTo("web-xyz"));
            Assert.That(updated.Metadata.ResourceVersion, Is.EqualTo("7"));
            Assert.That(updated.Endpoints.Select(e => (e.Addresses[0], e.Conditions.Ready)), Is.EqualTo(new[] { ("10.0.0.1", (bool?)false), ("10.0.0.2", (bool?)true) }));
            Assert.That(updated.Metadata.Annotations["endpoints.kubernetes.io/last-change-trigger-time"], Is.EqualTo("2026-01-01T00:00:09Z"));
        });
    }

    [Test]
    public void PodGone_EmptySliceDeleted_ButAPlaceholderStays()
    {
        var first = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1")], NoNodes, [], null).Create.Single();
        first.Metadata.Name = "web-xyz";
        var plan = EndpointSliceReconciler.Reconcile(Service(), [], NoNodes, [first], null);
        Assert.That(plan.Delete, Is.Empty, "the last slice is reused as the placeholder");
        Assert.That(plan.Update.Single().Endpoints, Is.Empty);
        Assert.That(plan.Update.Single().Ports, Is.Empty);
    }

    [Test]
    public void ServiceLabelsChange_SlicesRelabelled_ReservedKeysIgnored()
    {
        var first = EndpointSliceReconciler.Reconcile(Service(), [Pod("a", "10.0.0.1")], NoNodes, [], null).Create.Single();
        var service = Service();
        service.Metadata.Labels["team"] = "b";
        service.Metadata.Labels["kubernetes.io/service-name"] = "spoof";
        var updated = EndpointSliceReconciler.Reconcile(service, [Pod("a", "10.0.0.1")], NoNodes, [first], null).Update.Single();
        Assert.That(updated.Metadata.Labels["team"], Is.EqualTo("b"));
        Assert.That(updated.Metadata.Labels["kubernetes.io/service-name"], Is.EqualTo("web"));
    }
}
