using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Apply;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Apply;

/// <summary>The apply body (JSON or YAML), the configuration checks, and fieldsV1 parsing and printing.</summary>
[TestFixture]
public sealed class ApplyInputTests
{
    [TestCase("{\"a\":1}", "{\"a\":1}")]
    [TestCase("a: 1\nb: x\n", "{\"a\":1,\"b\":\"x\"}")]
    [TestCase("a: \"1\"\n", "{\"a\":\"1\"}")]
    [TestCase("a: true\nb: false\nc: null\nd: ~\n", "{\"a\":true,\"b\":false,\"c\":null,\"d\":null}")]
    [TestCase("a: 1.5\n", "{\"a\":1.5}")]
    [TestCase("a: [x, 'y', 3]\n", "{\"a\":[\"x\",\"y\",3]}")]
    [TestCase("a:\n  b:\n    - c: d\n", "{\"a\":{\"b\":[{\"c\":\"d\"}]}}")]
    [TestCase("a: 'true'\n", "{\"a\":\"true\"}")]
    [TestCase("image: nginx:1.27\n", "{\"image\":\"nginx:1.27\"}")]
    public void Body_is_json_or_yaml(string body, string json) =>
        Assert.That(ApplyYaml.Parse(Encoding.UTF8.GetBytes(body)).ToJsonString(), Is.EqualTo(json));

    [TestCase("a: [1\n")]
    [TestCase("- a\n- b\n")]
    public void Bad_yaml_is_400(string body)
    {
        var e = Assert.Throws<StatusException>(() => ApplyYaml.Parse(Encoding.UTF8.GetBytes(body)))!;
        Assert.That(e.Code, Is.EqualTo(400));
        Assert.That(e.Message, Does.StartWith("error decoding YAML: "));
    }

    [TestCase("apps/v1", "Deployment", null)]
    [TestCase("apps/v2", "Deployment", "invalid object type: apps/v2, Kind=Deployment")]
    [TestCase("apps/v1", "StatefulSet", "invalid object type: apps/v1, Kind=StatefulSet")]
    [TestCase("v1", "Deployment", "invalid object type: /v1, Kind=Deployment")]
    [TestCase("", "", "invalid object type: /, Kind=")]
    public void Config_must_match_the_endpoint(string apiVersion, string kind, string? error)
    {
        var config = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        if (error is null)
        {
            Assert.DoesNotThrow(() => FieldManager.CheckConfig("apps/v1", "Deployment", config));
            return;
        }

        var e = Assert.Throws<StatusException>(() => FieldManager.CheckConfig("apps/v1", "Deployment", config))!;
        Assert.That((e.Code, e.Message), Is.EqualTo((400, error)));
    }

    [Test]
    public void Config_must_not_carry_managed_fields()
    {
        var config = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"managedFields":[]}}""")!.AsObject();
        var e = Assert.Throws<StatusException>(() => FieldManager.CheckConfig("v1", "ConfigMap", config))!;
        Assert.That(e.Message, Is.EqualTo("metadata.managedFields must be nil"));
    }

    [TestCase("""{"f:a":{}}""", ".a")]
    [TestCase("""{"f:a":{".":{},"f:b":{}}}""", ".a .a.b")]
    [TestCase("""{"f:l":{"k:{\"name\":\"c\"}":{".":{},"f:x":{}}}}""", ".l[name=\"c\"] .l[name=\"c\"].x")]
    [TestCase("""{"f:s":{"v:\"a\"":{},"v:3":{}}}""", ".s[=\"a\"] .s[=3]")]
    [TestCase("""{"f:l":{"i:0":{}}}""", ".l[0]")]
    [TestCase("""{"f:p":{"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{}}}""", ".p[containerPort=80,protocol=\"TCP\"]")]
    public void FieldsV1_parses_and_prints(string fieldsV1, string paths)
    {
        var set = FieldSet.FromFieldsV1(JsonNode.Parse(fieldsV1));
        Assert.That(set.ToString(), Is.EqualTo(paths));
        Assert.That(FieldSet.FromFieldsV1(set.ToFieldsV1()).SetEquals(set), Is.True);
    }

    [TestCase("""[1]""")]
    [TestCase("""{"x:a":{}}""")]
    [TestCase("""{"f:a":1}""")]
    public void Bad_fieldsV1_is_refused(string fieldsV1) =>
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(JsonNode.Parse(fieldsV1)));

    [Test]
    public void Set_algebra()
    {
        var a = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:a":{},"f:b":{"f:c":{}}}"""));
        var b = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:b":{"f:c":{},"f:d":{}}}"""));
        Assert.That(a.Union(b).ToString(), Is.EqualTo(".a .b.c .b.d"));
        Assert.That(a.Intersection(b).ToString(), Is.EqualTo(".b.c"));
        Assert.That(a.Difference(b).ToString(), Is.EqualTo(".a"));
        Assert.That(a.WithNamedParents().ToString(), Is.EqualTo(".a .b .b.c"));
        var prefix = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:b":{}}"""));
        Assert.That(b.Union(a).RecursiveDifference(prefix).ToString(), Is.EqualTo(".a"));
    }

    [Test]
    public void Entries_are_written_in_upstream_order()
    {
        var t = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var one = FieldSet.FromFieldsV1(JsonNode.Parse("""{"f:a":{}}"""));
        var json = ManagedEntry.Write([
            new ManagedEntry("z", "Update", "v1", null, t, one),
            new ManagedEntry("b", "Update", "v1", null, t.AddHours(-1), one),
            new ManagedEntry("y", "Apply", "v1", null, t, one),
            new ManagedEntry("empty", "Apply", "v1", null, t, new FieldSet()),
            new ManagedEntry("s", "Update", "v1", "status", t, one),
        ]);
        Assert.That(json.Select(e => e!["manager"]!.GetValue<string>()), Is.EqualTo(new[] { "y", "b", "s", "z" }));
        Assert.That(json[0]!.ToJsonString(), Is.EqualTo("""{"manager":"y","operation":"Apply","apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:a":{}}}"""));
        Assert.That(json[2]!["subresource"]!.GetValue<string>(), Is.EqualTo("status"));
    }
}
