using k8s;
using k8s.Models;
using LocalKube.Node.Controllers.EndpointSlices;
using LocalKube.Node.Controllers.Endpoints;
using LocalKube.Node.Controllers.RootCaPublisher;
using LocalKube.Node.Controllers.Tests.Support;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.Endpoints;

/// <summary>Endpoints, EndpointSlices and kube-root-ca.crt against the real agent.</summary>
[TestFixture]
[Category("Integration")]
public sealed class EndpointControllersTests
{
    private ControllerRig _rig = null!;
    private int _n;

    private Kubernetes Admin => _rig.Admin;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _rig = await ControllerRig.StartAsync();
        await _rig.RunAsync("endpoint-controller", c => new EndpointsController(c));
        await _rig.RunAsync("endpointslice-controller", c => new EndpointSliceController(c));
        await _rig.RunAsync("root-ca-cert-publisher", c => new RootCaPublisherController(c, "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n"));
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    [Test]
    public async Task Endpoints_FollowReadiness()
    {
        var app = "ready-" + Interlocked.Increment(ref _n);
        await Admin.CoreV1.CreateNamespacedServiceAsync(Service(app), "default");
        var pod = await Admin.CoreV1.CreateNamespacedPodAsync(Pod(app), "default");
        await _rig.SetPodStatusAsync("default", pod.Metadata.Name, "10.244.0.7", ready: false);

        var notReady = await ReadEndpointsAsync(app, e => e.Subsets?.SingleOrDefault()?.NotReadyAddresses?.Count == 1);
        Assert.That(notReady.Subsets.Single().Addresses, Is.Null);

        await _rig.SetPodStatusAsync("default", pod.Metadata.Name, "10.244.0.7", ready: true);
        var ready = await ReadEndpointsAsync(app, e => e.Subsets?.SingleOrDefault()?.Addresses?.Count == 1);
        Assert.Multiple(() =>
        {
            Assert.That(ready.Subsets.Single().Addresses.Single().Ip, Is.EqualTo("10.244.0.7"));
            Assert.That(ready.Subsets.Single().Ports.Single().Port, Is.EqualTo(8080));
            Assert.That(ready.Metadata.Annotations.ContainsKey("endpoints.kubernetes.io/last-change-trigger-time"), Is.True);
        });

        var slice = await ControllerRig.EventuallyAsync(
            () => Admin.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=" + app),
            l => l.Items.SingleOrDefault()?.Endpoints?.SingleOrDefault()?.Conditions?.Ready == true, "a ready slice endpoint");
        Assert.That(slice.Items.Single().Metadata.OwnerReferences.Single().Name, Is.EqualTo(app));

        // Deleting: the slice keeps it as terminating, the Endpoints drop it.
        await Admin.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, "default", new V1DeleteOptions { GracePeriodSeconds = 30 });
        await ReadEndpointsAsync(app, e => e.Subsets is null or { Count: 0 });
        var terminating = await ControllerRig.EventuallyAsync(
            () => Admin.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=" + app),
            l => l.Items.SingleOrDefault()?.Endpoints?.SingleOrDefault()?.Conditions?.Terminating == true, "a terminating slice endpoint");
        var conditions = terminating.Items.Single().Endpoints.Single().Conditions;
        Assert.That((conditions.Ready, conditions.Serving), Is.EqualTo(((bool?)false, (bool?)true)));
    }

    [Test]
    public async Task ServiceWithoutSelector_LeftAlone()
    {
        var name = "manual-" + Interlocked.Increment(ref _n);
        var service = Service(name);
        service.Spec.Selector = null;
        await Admin.CoreV1.CreateNamespacedServiceAsync(service, "default");
        await Admin.CoreV1.CreateNamespacedEndpointsAsync(new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = name },
            Subsets = [new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "192.0.2.1" }], Ports = [new Corev1EndpointPort { Port = 9 }] }],
        }, "default");
        await Task.Delay(500);
        var endpoints = await Admin.CoreV1.ReadNamespacedEndpointsAsync(name, "default");
        Assert.That(endpoints.Subsets.Single().Addresses.Single().Ip, Is.EqualTo("192.0.2.1"));
        var slices = await Admin.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", labelSelector: "kubernetes.io/service-name=" + name);
        Assert.That(slices.Items, Is.Empty);
    }

    [Test]
    public async Task ServiceDeleted_EndpointsDeleted()
    {
        var app = "gone-" + Interlocked.Increment(ref _n);
        await Admin.CoreV1.CreateNamespacedServiceAsync(Service(app), "default");
        await ReadEndpointsAsync(app, _ => true);
        await Admin.CoreV1.DeleteNamespacedServiceAsync(app, "default");
        await ControllerRig.EventuallyAsync(
            async () => (await Admin.CoreV1.ListNamespacedEndpointsAsync("default", fieldSelector: "metadata.name=" + app)).Items.Count,
            c => c == 0, "the Endpoints to go");
    }

    [Test]
    public async Task RootCa_InANewNamespaceWithinASecond_AndRestored()
    {
        var ns = "rootca-" + Interlocked.Increment(ref _n);
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var configMap = await ControllerRig.EventuallyAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns), c => c is not null, "kube-root-ca.crt", seconds: 1);
        Assert.Multiple(() =>
        {
            Assert.That(configMap.Data["ca.crt"], Does.StartWith("-----BEGIN CERTIFICATE-----"));
            Assert.That(configMap.Metadata.Annotations["kubernetes.io/description"], Does.StartWith("Contains a CA bundle"));
        });

        configMap.Data["ca.crt"] = "tampered";
        await Admin.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, "kube-root-ca.crt", ns);
        await ControllerRig.EventuallyAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns), c => c.Data["ca.crt"] != "tampered", "the CA restored");
        await Admin.CoreV1.DeleteNamespacedConfigMapAsync("kube-root-ca.crt", ns);
        await ControllerRig.EventuallyAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns), c => c is not null, "the ConfigMap recreated");
    }

    private Task<V1Endpoints> ReadEndpointsAsync(string name, Func<V1Endpoints, bool> done) =>
        ControllerRig.EventuallyAsync(() => Admin.CoreV1.ReadNamespacedEndpointsAsync(name, "default"), e => e is not null && done(e), $"endpoints {name}");

    private static V1Service Service(string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = app },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = app },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }],
        },
    };

    private V1Pod Pod(string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = app + "-pod", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { NodeName = "test-node", Containers = [new V1Container { Name = "c", Image = "nginx" }] },
    };
}
