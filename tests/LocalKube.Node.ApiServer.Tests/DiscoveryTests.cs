using System.Text;
using LocalKube.Node.ApiServer.Discovery;
using Microsoft.Extensions.Primitives;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

[TestFixture]
public sealed class DiscoveryTests
{
    private static readonly ApiResourceDescriptor Widgets = new()
    {
        Group = "example.io",
        Version = "v1",
        Kind = "Widget",
        Plural = "widgets",
        Singular = "widget",
        Namespaced = true,
        ShortNames = ["wd"],
        Categories = ["all"],
        Subresources =
        [
            new ApiSubresourceDescriptor("status", ["get", "patch", "update"]),
            new ApiSubresourceDescriptor("scale", ["get", "patch", "update"]) { Group = "autoscaling", Version = "v1", Kind = "Scale" },
        ],
    };

    private static readonly ApiResourceDescriptor Gadgets = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Gadget",
        Plural = "gadgets",
        Singular = "gadget",
        Namespaced = false,
        Verbs = ["get", "list"],
    };

    [Test]
    public void Empty_registry_renders_valid_documents()
    {
        var renderer = new DiscoveryRenderer(new ResourceRegistry([]), "10.0.0.1:8443");
        Assert.Multiple(() =>
        {
            Assert.That(Json(renderer, r => r.ApiVersions()), Is.EqualTo(
                """{"kind":"APIVersions","serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:8443"}],"versions":["v1"]}"""));
            Assert.That(Json(renderer, r => r.ApiGroupList()), Is.EqualTo("""{"apiVersion":"v1","groups":[],"kind":"APIGroupList"}"""));
            Assert.That(Json(renderer, r => r.ResourceList("", "v1")), Is.EqualTo(
                """{"apiVersion":"v1","groupVersion":"v1","kind":"APIResourceList","resources":[]}"""));
            Assert.That(Json(renderer, r => r.Aggregated(false, DiscoveryFormat.AggregatedV2Beta1)), Is.EqualTo(
                """{"apiVersion":"apidiscovery.k8s.io/v2beta1","kind":"APIGroupDiscoveryList","metadata":{},"items":[]}"""));
            Assert.That(renderer.ResourceList("example.io", "v1"), Is.Null);
            Assert.That(renderer.ApiGroup("example.io"), Is.Null);
        });
    }

    [Test]
    public void Legacy_documents_list_the_sample_resource_and_its_subresources()
    {
        var renderer = new DiscoveryRenderer(new ResourceRegistry([Widgets, Gadgets]), "127.0.0.1:8443");
        Assert.Multiple(() =>
        {
            Assert.That(Json(renderer, r => r.ApiGroupList()), Is.EqualTo(
                """{"apiVersion":"v1","groups":[{"name":"example.io","preferredVersion":{"groupVersion":"example.io/v1","version":"v1"},"versions":[{"groupVersion":"example.io/v1","version":"v1"}]}],"kind":"APIGroupList"}"""));
            Assert.That(Json(renderer, r => r.ApiGroup("example.io")), Is.EqualTo(
                """{"apiVersion":"v1","kind":"APIGroup","name":"example.io","preferredVersion":{"groupVersion":"example.io/v1","version":"v1"},"versions":[{"groupVersion":"example.io/v1","version":"v1"}]}"""));
            Assert.That(Json(renderer, r => r.ResourceList("example.io", "v1")), Is.EqualTo(
                """{"apiVersion":"v1","groupVersion":"example.io/v1","kind":"APIResourceList","resources":[""" +
                """{"categories":["all"],"kind":"Widget","name":"widgets","namespaced":true,"shortNames":["wd"],"singularName":"widget","verbs":["create","delete","deletecollection","get","list","patch","update","watch"]},""" +
                """{"kind":"Widget","name":"widgets/status","namespaced":true,"singularName":"","verbs":["get","patch","update"]},""" +
                """{"group":"autoscaling","kind":"Scale","name":"widgets/scale","namespaced":true,"singularName":"","verbs":["get","patch","update"],"version":"v1"}]}"""));
            Assert.That(Json(renderer, r => r.ResourceList("", "v1")), Does.Contain(
                """{"kind":"Gadget","name":"gadgets","namespaced":false,"singularName":"gadget","verbs":["get","list"]}"""));
        });
    }

    [Test]
    public void Aggregated_documents_carry_response_kinds_and_scope()
    {
        var renderer = new DiscoveryRenderer(new ResourceRegistry([Widgets, Gadgets]), "127.0.0.1:8443");
        Assert.That(Json(renderer, r => r.Aggregated(false, DiscoveryFormat.AggregatedV2)), Is.EqualTo(
            """{"apiVersion":"apidiscovery.k8s.io/v2","kind":"APIGroupDiscoveryList","metadata":{},"items":[{"metadata":{"name":"example.io"},"versions":[{"version":"v1","resources":[""" +
            """{"resource":"widgets","responseKind":{"group":"example.io","version":"v1","kind":"Widget"},"scope":"Namespaced","singularResource":"widget","verbs":["create","delete","deletecollection","get","list","patch","update","watch"],"shortNames":["wd"],"categories":["all"],"subresources":[""" +
            """{"subresource":"status","responseKind":{"group":"example.io","version":"v1","kind":"Widget"},"verbs":["get","patch","update"]},""" +
            """{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]}]}],"freshness":"Current"}]}]}"""));
        Assert.That(Json(renderer, r => r.Aggregated(true, DiscoveryFormat.AggregatedV2)), Is.EqualTo(
            """{"apiVersion":"apidiscovery.k8s.io/v2","kind":"APIGroupDiscoveryList","metadata":{},"items":[{"metadata":{"name":""},"versions":[{"version":"v1","resources":[""" +
            """{"resource":"gadgets","responseKind":{"group":"","version":"v1","kind":"Gadget"},"scope":"Cluster","singularResource":"gadget","verbs":["get","list"]}],"freshness":"Current"}]}]}"""));
    }

    [Test]
    public void Versions_are_ordered_by_kubernetes_priority()
    {
        string[] versions = ["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "foo", "v10alpha3"];
        Assert.That(versions.Order(KubeVersionPriority.Instance), Is.EqualTo(new[] { "v2", "v1", "v1beta2", "v1beta1", "v10alpha3", "v1alpha1", "foo" }));

        var registry = new ResourceRegistry([Widgets with { Version = "v1beta1" }, Widgets]);
        Assert.That(registry.Groups[1].Versions, Is.EqualTo(new[] { "v1", "v1beta1" }));
        Assert.That(registry.Groups[0].Name, Is.Empty);
    }

    [Test]
    public void Duplicate_resources_are_refused() =>
        Assert.Throws<ArgumentException>(() => _ = new ResourceRegistry([Widgets, Widgets]));

    [TestCase(null, DiscoveryFormat.Legacy)]
    [TestCase("application/json", DiscoveryFormat.Legacy)]
    [TestCase("*/*", DiscoveryFormat.Legacy)]
    [TestCase("application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io", DiscoveryFormat.AggregatedV2)]
    [TestCase("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", DiscoveryFormat.AggregatedV2Beta1)]
    [TestCase("application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", DiscoveryFormat.AggregatedV2)]
    [TestCase("application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json", DiscoveryFormat.Legacy)]
    [TestCase("application/json;as=Table;v=v1;g=meta.k8s.io", DiscoveryFormat.NotAcceptable)]
    [TestCase("application/yaml", DiscoveryFormat.NotAcceptable)]
    public void Accept_header_selects_the_format(string? accept, DiscoveryFormat expected) =>
        Assert.That(DiscoveryNegotiation.Select(accept is null ? StringValues.Empty : new StringValues(accept)), Is.EqualTo(expected));

    private static string Json(DiscoveryRenderer renderer, Func<DiscoveryRenderer, object?> build) =>
        Encoding.UTF8.GetString(renderer.Json(Guid.NewGuid().ToString(), build)!);
}
