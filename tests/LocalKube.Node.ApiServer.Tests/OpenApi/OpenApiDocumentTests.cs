using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.OpenApi;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Schema;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.OpenApi;

/// <summary>The shape of the generated OpenAPI documents, for the whole built-in catalog.</summary>
[TestFixture]
public sealed class OpenApiDocumentTests
{
    /// <summary>The documents of the whole built-in catalog (shared with the protobuf tests).</summary>
    internal static readonly Lazy<OpenApiDocuments> Documents = new(() => new OpenApiDocuments(
        new ResourceRegistry(CatalogServiceCollectionExtensions.CreateAll().Select(s => s.Descriptor)
            .Concat([Descriptors.Of("", "v1", "Namespace", "namespaces", false), Descriptors.Of("", "v1", "ConfigMap", "configmaps", true), Descriptors.Of("", "v1", "Secret", "secrets", true)])),
        [new MergePatchHandler()]));

    private static JsonObject Parse(OpenApiDocument document) => JsonNode.Parse(document.Body)!.AsObject();

    private static JsonObject Doc(string path) =>
        Parse(Documents.Value.GroupVersion(path) ?? throw new AssertionException($"no document for {path}"));

    [Test]
    public void Index_lists_every_served_group_version_with_its_hash()
    {
        var index = Parse(Documents.Value.Index)["paths"]!.AsObject();
        Assert.That(index.Select(p => p.Key), Is.SupersetOf(new[] { "api/v1", "apis/apps/v1", "apis/batch/v1", "apis/autoscaling/v2", "apis/autoscaling/v1", "apis/networking.k8s.io/v1", "apis/rbac.authorization.k8s.io/v1" }));
        var apps = Documents.Value.GroupVersion("apis/apps/v1")!;
        Assert.That((string?)index["apis/apps/v1"]!["serverRelativeURL"], Is.EqualTo($"/openapi/v3/apis/apps/v1?hash={apps.Hash}"));
        Assert.That(apps.Hash, Does.Match("^[0-9A-F]{128}$"));
    }

    [Test]
    public void Kinds_carry_their_group_version_kind_and_upstream_names()
    {
        var schemas = Doc("apis/apps/v1")["components"]!["schemas"]!.AsObject();
        var deployment = schemas["io.k8s.api.apps.v1.Deployment"]!;
        Assert.That(deployment["x-kubernetes-group-version-kind"]!.ToJsonString(), Is.EqualTo("""[{"group":"apps","kind":"Deployment","version":"v1"}]"""));
        Assert.That((string?)deployment["properties"]!["spec"]!["allOf"]![0]!["$ref"], Is.EqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"));
        Assert.That((string?)deployment["properties"]!["metadata"]!["allOf"]![0]!["$ref"], Is.EqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        Assert.That((string?)deployment["description"], Does.Contain("declarative updates for Pods and ReplicaSets"));

        // The pod types apps embeds stay in core, as upstream names them.
        Assert.That(schemas.ContainsKey("io.k8s.api.core.v1.PodTemplateSpec"));
        Assert.That(schemas.ContainsKey("io.k8s.api.core.v1.Container"));
        Assert.That(schemas.ContainsKey("io.k8s.api.apps.v1.PodSpec"), Is.False);
        Assert.That(schemas["io.k8s.api.apps.v1.DeploymentList"]!["required"]!.ToJsonString(), Is.EqualTo("""["items"]"""));
        Assert.That(schemas["io.k8s.api.core.v1.PodSpec"]!["required"]!.ToJsonString(), Does.Contain("\"containers\""));
        Assert.That(Doc("api/v1")["components"]!["schemas"]!["io.k8s.api.core.v1.Pod"]!["x-kubernetes-group-version-kind"]!.ToJsonString(),
            Is.EqualTo("""[{"group":"","kind":"Pod","version":"v1"}]"""));
        Assert.That(Doc("apis/events.k8s.io/v1")["components"]!["schemas"]!.AsObject().ContainsKey("io.k8s.api.events.v1.Event"));
    }

    [Test]
    public void Special_types_use_upstream_formats()
    {
        var schemas = Doc("api/v1")["components"]!["schemas"]!.AsObject();
        Assert.That(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["format"]!.GetValue<string>(), Is.EqualTo("int-or-string"));
        Assert.That(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["oneOf"]!.ToJsonString(), Is.EqualTo("""[{"type":"integer"},{"type":"string"}]"""));
        Assert.That(schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]!["oneOf"]!.ToJsonString(), Is.EqualTo("""[{"type":"string"},{"type":"number"}]"""));
        Assert.That(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"]!["format"]!.GetValue<string>(), Is.EqualTo("date-time"));
        var meta = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!;
        Assert.That((string?)meta["creationTimestamp"]!["allOf"]![0]!["$ref"], Is.EqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"));
        Assert.That((string?)meta["labels"]!["additionalProperties"]!["type"], Is.EqualTo("string"));
        var port = schemas["io.k8s.api.core.v1.ContainerPort"]!;
        Assert.That((string?)port["properties"]!["containerPort"]!["format"], Is.EqualTo("int32"));
        Assert.That(port["required"]!.ToJsonString(), Is.EqualTo("""["containerPort"]"""));
        Assert.That((string?)schemas["io.k8s.api.core.v1.Secret"]!["properties"]!["data"]!["additionalProperties"]!["format"], Is.EqualTo("byte"));
        var lease = Doc("apis/coordination.k8s.io/v1")["components"]!["schemas"]!["io.k8s.api.coordination.v1.LeaseSpec"]!["properties"]!;
        Assert.That((string?)lease["renewTime"]!["allOf"]![0]!["$ref"], Is.EqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"));
    }

    [Test]
    public void List_fields_carry_every_merge_fact_of_the_table()
    {
        var schemas = Doc("api/v1")["components"]!["schemas"]!.AsObject();
        var containers = schemas["io.k8s.api.core.v1.PodSpec"]!["properties"]!["containers"]!;
        Assert.That((string?)containers["x-kubernetes-patch-merge-key"], Is.EqualTo("name"));
        Assert.That((string?)containers["x-kubernetes-patch-strategy"], Is.EqualTo("merge"));
        Assert.That((string?)containers["x-kubernetes-list-type"], Is.EqualTo("map"));
        Assert.That(containers["x-kubernetes-list-map-keys"]!.ToJsonString(), Is.EqualTo("""["name"]"""));
        Assert.That((string?)containers["items"]!["$ref"], Is.EqualTo("#/components/schemas/io.k8s.api.core.v1.Container"));

        // Every entry of the shared table that a served document holds shows up with the same facts.
        var all = Documents.Value;
        var docs = new[] { "api/v1", "apis/apps/v1", "apis/batch/v1" }.Select(Doc).ToList();
        var checkedCount = 0;
        foreach (var ((type, field), meta) in FieldMetadata.All)
        {
            foreach (var doc in docs)
            {
                var match = doc["components"]!["schemas"]!.AsObject()
                    .Where(s => s.Value!["properties"]?[field] is not null && s.Key.EndsWith("." + TrimVersion(type.Name), StringComparison.Ordinal))
                    .Select(s => s.Value!["properties"]![field]!).FirstOrDefault();
                if (match is null)
                {
                    continue;
                }

                checkedCount++;
                Assert.That((string?)match["x-kubernetes-patch-strategy"], Is.EqualTo(meta.PatchStrategy), $"{type.Name}.{field}");
                Assert.That((string?)match["x-kubernetes-patch-merge-key"], Is.EqualTo(meta.PatchMergeKey), $"{type.Name}.{field}");
                Assert.That((string?)match["x-kubernetes-list-type"], Is.EqualTo(meta.ListType), $"{type.Name}.{field}");
                break;
            }
        }

        Assert.That(checkedCount, Is.GreaterThan(0));
        Assert.That(all, Is.Not.Null);
    }

    [Test]
    public void Patch_operations_advertise_field_validation_and_the_kind()
    {
        var paths = Doc("apis/apps/v1")["paths"]!.AsObject();
        var patch = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.That(patch["x-kubernetes-group-version-kind"]!.ToJsonString(), Is.EqualTo("""{"group":"apps","kind":"Deployment","version":"v1"}"""));
        Assert.That((string?)patch["x-kubernetes-action"], Is.EqualTo("patch"));
        Assert.That((string?)patch["operationId"], Is.EqualTo("patchAppsV1NamespacedDeployment"));
        var names = patch["parameters"]!.AsArray().Select(p => ((string?)p!["name"], (string?)p["in"])).ToList();
        Assert.That(names, Is.SupersetOf(new[] { ("fieldValidation", "query"), ("dryRun", "query"), ("fieldManager", "query"), ("force", "query") }));
        Assert.That(patch["requestBody"]!["content"]!.AsObject().ContainsKey("application/merge-patch+json"));
        var post = paths["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]!;
        Assert.That(post["parameters"]!.AsArray().Select(p => (string?)p!["name"]), Does.Contain("fieldValidation"));
        Assert.That(paths.ContainsKey("/apis/apps/v1/deployments"), "all-namespaces list");
        Assert.That(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!["patch"]!["x-kubernetes-group-version-kind"]!.ToJsonString(),
            Is.EqualTo("""{"group":"autoscaling","kind":"Scale","version":"v1"}"""));
        Assert.That(Doc("apis/apps/v1")["components"]!["schemas"]!.AsObject().ContainsKey("io.k8s.api.autoscaling.v1.Scale"));

        // Cluster-scoped kinds have no namespace segment.
        Assert.That(Doc("api/v1")["paths"]!.AsObject().ContainsKey("/api/v1/namespaces/{name}"));
    }

    [Test]
    public void Descriptions_come_from_the_model_docs()
    {
        var probe = Doc("api/v1")["components"]!["schemas"]!["io.k8s.api.core.v1.Probe"]!;
        Assert.That((string?)probe["description"], Does.Contain("health check"));
        Assert.That((string?)probe["properties"]!["initialDelaySeconds"]!["description"], Does.Contain("container has started"));
    }

    [Test]
    public void V2_is_swagger_with_definitions()
    {
        var v2 = Parse(Documents.Value.V2);
        Assert.That((string?)v2["swagger"], Is.EqualTo("2.0"));
        var definitions = v2["definitions"]!.AsObject();
        Assert.That((string?)definitions["io.k8s.api.apps.v1.Deployment"]!["properties"]!["spec"]!["$ref"], Is.EqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec"));
        Assert.That((string?)definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["type"], Is.EqualTo("string"));
        var patch = v2["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.That(patch["parameters"]!.AsArray().Any(p => (string?)p!["name"] == "body" && (string?)p["in"] == "body"));
        Assert.That(patch["parameters"]!.AsArray().Any(p => (string?)p!["name"] == "fieldValidation" && (string?)p["type"] == "string"));
    }

    [Test]
    public void Documents_are_built_once()
    {
        var first = Documents.Value.GroupVersion("apis/apps/v1");
        var second = Documents.Value.GroupVersion("apis/apps/v1");
        Assert.That(second, Is.SameAs(first));
        Assert.That(Documents.Value.GroupVersion("apis/nope/v1"), Is.Null);
    }

    private static string TrimVersion(string className)
    {
        var i = 1;
        while (i < className.Length && !char.IsUpper(className[i]))
        {
            i++;
        }

        return className[i..];
    }
}
