using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.OpenApi;
using LocalKube.Node.ApiServer.Protobuf.Kube.OpenapiV2;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.OpenApi;

/// <summary>
/// <c>/openapi/v2</c> in gnostic's protobuf: the whole built-in catalog's document parsed by Google.Protobuf and read
/// back (<see cref="GnosticJson"/>) is the JSON document; the YAML of the <c>Any</c> values; kube-openapi's media type
/// negotiation.
/// </summary>
[TestFixture]
public sealed class OpenApiProtobufTests
{
    private static Lazy<OpenApiDocuments> Documents => OpenApiDocumentTests.Documents;

    [Test]
    public void The_protobuf_document_reads_back_as_the_json_document()
    {
        var parsed = Document.Parser.ParseFrom(Documents.Value.V2Protobuf.Span);
        var expected = JsonNode.Parse(Documents.Value.V2.Body)!;
        var actual = GnosticJson.ToJson(parsed)!;
        var difference = FirstDifference(expected, actual, "$");
        Assert.That(difference, Is.Null, difference);

        Assert.That(parsed.Swagger, Is.EqualTo("2.0"));
        Assert.That(parsed.Definitions.AdditionalProperties.Select(d => d.Name), Does.Contain("io.k8s.api.apps.v1.Deployment"));
        var deployment = parsed.Definitions.AdditionalProperties.Single(d => d.Name == "io.k8s.api.apps.v1.Deployment").Value;
        Assert.That(deployment.VendorExtension.Single(e => e.Name == "x-kubernetes-group-version-kind").Value.Yaml,
            Is.EqualTo("- group: apps\n  kind: Deployment\n  version: v1\n"));
        Assert.That(deployment.Type.Value, Is.EqualTo(new[] { "object" }));
    }

    [Test]
    public void Paths_keep_their_operations_parameters_and_extensions()
    {
        var parsed = Document.Parser.ParseFrom(Documents.Value.V2Protobuf.Span);
        var item = parsed.Paths.Path.Single(p => p.Name == "/apis/apps/v1/namespaces/{namespace}/deployments/{name}").Value;
        var patch = item.Patch;
        Assert.That(patch.OperationId, Is.EqualTo("patchAppsV1NamespacedDeployment"));
        Assert.That(patch.VendorExtension.Single(e => e.Name == "x-kubernetes-action").Value.Yaml, Is.EqualTo("patch\n"));
        Assert.That(patch.VendorExtension.Single(e => e.Name == "x-kubernetes-group-version-kind").Value.Yaml,
            Is.EqualTo("group: apps\nkind: Deployment\nversion: v1\n"));

        // kubectl before 1.27 finds dryRun and fieldValidation support here.
        var query = patch.Parameters.Concat(item.Parameters).Select(p => p.Parameter?.NonBodyParameter?.QueryParameterSubSchema?.Name).ToList();
        Assert.That(query, Does.Contain("dryRun").And.Contain("fieldValidation"));
        Assert.That(patch.Parameters.Select(p => p.Parameter?.BodyParameter?.Name), Does.Contain("body"));
        Assert.That(item.Parameters.Select(p => p.Parameter?.NonBodyParameter?.PathParameterSubSchema).Where(p => p is not null).Select(p => (p!.Name, p.Required)),
            Does.Contain(("namespace", true)));
        Assert.That(patch.Responses.ResponseCode.Select(r => r.Name), Does.Contain("200"));
    }

    [TestCase("{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}", "group: \"\"\nkind: Pod\nversion: v1\n")]
    [TestCase("[\"name\",\"protocol\"]", "- name\n- protocol\n")]
    [TestCase("\"atomic\"", "atomic\n")]
    [TestCase("true", "true\n")]
    [TestCase("{\"a\":{\"b\":[1,\"2\"]},\"c\":{}}", "a:\n    b:\n        - 1\n        - \"2\"\nc: {}\n")]
    [TestCase("\"yes\"", "\"yes\"\n")]
    [TestCase("\"a: b\"", "\"a: b\"\n")]
    [TestCase("\"line\\none\"", "\"line\\none\"\n")]
    public void Any_values_are_block_yaml(string json, string yaml)
    {
        using var document = JsonDocument.Parse(json);
        Assert.That(YamlText.Of(document.RootElement), Is.EqualTo(yaml));
    }

    [TestCase(null, "Json")]
    [TestCase("*/*", "Json")]
    [TestCase("application/json", "Json")]
    [TestCase("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "Protobuf")]
    [TestCase("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "Protobuf")]
    [TestCase("application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "Protobuf")]
    [TestCase("*/*, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "Protobuf")]
    [TestCase("application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0, application/json", "Json")]
    [TestCase("application/yaml", "None")]
    [TestCase("text/*", "None")]
    public void Media_types_are_negotiated_as_kube_openapi_does(string? accept, string served) =>
        Assert.That(SwaggerMediaTypes.Negotiate(accept).ToString(), Is.EqualTo(served));

    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject e when actual is JsonObject a:
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key) && !IsZero(value))
                    {
                        return $"{path}.{key}: missing from the protobuf ({value?.ToJsonString()})";
                    }

                    if (a.ContainsKey(key) && FirstDifference(value, a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return a.Select(p => p.Key).FirstOrDefault(k => !e.ContainsKey(k)) is { } extra ? $"{path}.{extra}: only in the protobuf" : null;
            case JsonArray e when actual is JsonArray a:
                if (e.Count != a.Count)
                {
                    return $"{path}: {e.Count} items, protobuf has {a.Count}";
                }

                return e.Select((item, i) => FirstDifference(item, a[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null);
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: {expected?.ToJsonString()} != {actual?.ToJsonString()}";
        }
    }

    // proto3 drops zero scalars and empty repeated fields: a JSON false, empty string or empty list is the same document.
    private static bool IsZero(JsonNode? value) =>
        value is JsonArray { Count: 0 } || value is JsonValue v && ((v.TryGetValue<bool>(out var b) && !b) || (v.TryGetValue<string>(out var s) && s.Length == 0));
}
