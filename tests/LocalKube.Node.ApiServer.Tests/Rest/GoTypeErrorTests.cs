using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

[TestFixture]
public sealed class GoTypeErrorTests
{
    [TestCase(typeof(V1Deployment), "{\"spec\":{\"replicas\":\"two\"}}", "$.spec.replicas",
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [TestCase(typeof(V1ConfigMap), "{\"data\":[\"a\"]}", "$.data",
        "json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string")]
    [TestCase(typeof(V1ConfigMap), "{\"data\":{\"k\":1}}", "$.data.k",
        "json: cannot unmarshal number into Go struct field ConfigMap.data of type string")]
    [TestCase(typeof(V1Pod), "{\"spec\":{\"containers\":[{\"command\":[\"sleep\",3600]}]}}", "$.spec.containers[0].command[1]",
        "json: cannot unmarshal number into Go struct field Container.spec.containers.command of type string")]
    [TestCase(typeof(V1Pod), "{\"spec\":{\"containers\":{}}}", "$.spec.containers",
        "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container")]
    [TestCase(typeof(V1Service), "{\"spec\":{\"ports\":[{\"port\":true}]}}", "$.spec.ports[0].port",
        "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.port of type int32")]
    public void WordsTheErrorAsGo(Type model, string json, string path, string expected) =>
        Assert.That(GoTypeError.Describe(model, JsonNode.Parse(json)!, path), Is.EqualTo(expected));

    [TestCase("$.spec.nosuchfield")]
    [TestCase("")]
    [TestCase(null)]
    public void UnknownPaths_GiveNull(string? path) =>
        Assert.That(GoTypeError.Describe(typeof(V1Deployment), new JsonObject(), path), Is.Null);
}
