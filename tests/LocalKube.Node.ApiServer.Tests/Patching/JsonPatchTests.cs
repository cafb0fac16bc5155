using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Patching;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Patching;

/// <summary>
/// RFC 6902 JSON patch with the behaviour and wording of the library upstream applies it with, table-driven, plus
/// the decoding errors (400/413) and Go's JSON syntax messages shared by every patch type.
/// </summary>
[TestFixture]
public sealed class JsonPatchTests
{
    private const string Doc = "{'metadata':{'name':'p','labels':{'a':'1'},'annotations':{'x/y':'1','m~n':'2'}},'spec':{'list':[1,2,3],'n':null}}";

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Ok("add a member", "[{'op':'add','path':'/metadata/labels/b','value':'2'}]", "/metadata/labels", "{'a':'1','b':'2'}");
        yield return Ok("add replaces an existing member", "[{'op':'add','path':'/metadata/labels/a','value':'9'}]", "/metadata/labels", "{'a':'9'}");
        yield return Fail("add under a missing parent", "[{'op':'add','path':'/metadata/nope/b','value':'2'}]", "add operation does not apply: doc is missing path: \"/metadata/nope/b\": missing value");
        yield return Ok("add into a list", "[{'op':'add','path':'/spec/list/1','value':9}]", "/spec/list", "[1,9,2,3]");
        yield return Ok("add with - appends", "[{'op':'add','path':'/spec/list/-','value':4}]", "/spec/list", "[1,2,3,4]");
        yield return Ok("add at the end index", "[{'op':'add','path':'/spec/list/3','value':4}]", "/spec/list", "[1,2,3,4]");
        yield return Ok("add with a negative index", "[{'op':'add','path':'/spec/list/-1','value':4}]", "/spec/list", "[1,2,3,4]");
        yield return Fail("add past the end", "[{'op':'add','path':'/spec/list/5','value':4}]", "error in add for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced");
        yield return Fail("add with a bad index", "[{'op':'add','path':'/spec/list/x','value':4}]",
            "error in add for path: '/spec/list/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax");
        yield return Ok("add without a value adds null", "[{'op':'add','path':'/metadata/labels/b'}]", "/metadata/labels", "{'a':'1','b':null}");
        yield return Ok("remove a member", "[{'op':'remove','path':'/metadata/labels/a'}]", "/metadata/labels", "{}");
        yield return Fail("remove a missing member", "[{'op':'remove','path':'/metadata/labels/zz'}]", "error in remove for path: '/metadata/labels/zz': Unable to remove nonexistent key: zz: missing value");
        yield return Ok("remove from a list", "[{'op':'remove','path':'/spec/list/0'}]", "/spec/list", "[2,3]");
        yield return Ok("remove the last with -1", "[{'op':'remove','path':'/spec/list/-1'}]", "/spec/list", "[1,2]");
        yield return Fail("remove past the end", "[{'op':'remove','path':'/spec/list/3'}]", "error in remove for path: '/spec/list/3': Unable to access invalid index: 3: invalid index referenced");
        yield return Ok("remove a null member", "[{'op':'remove','path':'/spec/n'}]", "/spec", "{'list':[1,2,3]}");
        yield return Ok("replace a member", "[{'op':'replace','path':'/metadata/name','value':'q'}]", "/metadata/name", "'q'");
        yield return Ok("replace of an absent member sets it", "[{'op':'replace','path':'/metadata/labels/b','value':'2'}]", "/metadata/labels", "{'a':'1','b':'2'}");
        yield return Ok("replace a list element", "[{'op':'replace','path':'/spec/list/2','value':7}]", "/spec/list", "[1,2,7]");
        yield return Fail("replace past the end", "[{'op':'replace','path':'/spec/list/9','value':7}]", "replace operation does not apply: doc is missing key: /spec/list/9: missing value");
        yield return Fail("replace under a missing parent", "[{'op':'replace','path':'/x/y','value':7}]", "replace operation does not apply: doc is missing path: /x/y: missing value");
        yield return Ok("move a member", "[{'op':'move','from':'/metadata/labels/a','path':'/metadata/labels/b'}]", "/metadata/labels", "{'b':'1'}");
        yield return Ok("move within a list", "[{'op':'move','from':'/spec/list/0','path':'/spec/list/-'}]", "/spec/list", "[2,3,1]");
        yield return Fail("move a missing member", "[{'op':'move','from':'/metadata/labels/zz','path':'/metadata/labels/b'}]",
            "error in move for path: 'zz': Unable to remove nonexistent key: zz: missing value");
        yield return Fail("move without from", "[{'op':'move','path':'/metadata/labels/b'}]", "move operation failed to decode from: operation, missing from field: missing value");
        yield return Ok("copy a member", "[{'op':'copy','from':'/metadata/labels','path':'/metadata/copied'}]", "/metadata/copied", "{'a':'1'}");
        yield return Ok("copy of an absent member copies null", "[{'op':'copy','from':'/metadata/labels/zz','path':'/metadata/labels/b'}]", "/metadata/labels", "{'a':'1','b':null}");
        yield return Fail("copy from a missing parent", "[{'op':'copy','from':'/x/y','path':'/metadata/labels/b'}]", "copy operation does not apply: doc is missing from path: /x/y: missing value");
        yield return Ok("a passing test", "[{'op':'test','path':'/metadata/labels/a','value':'1'},{'op':'add','path':'/metadata/labels/b','value':'2'}]", "/metadata/labels", "{'a':'1','b':'2'}");
        yield return Fail("a failing test", "[{'op':'test','path':'/metadata/labels/a','value':'2'}]", "testing value /metadata/labels/a failed: test failed");
        yield return Fail("a failing test stops the patch", "[{'op':'add','path':'/metadata/labels/b','value':'2'},{'op':'test','path':'/metadata/name','value':'q'}]", "testing value /metadata/name failed: test failed");
        yield return Ok("a test of an object ignores member order", "[{'op':'test','path':'/metadata/annotations','value':{'m~n':'2','x/y':'1'}}]", "/metadata/labels", "{'a':'1'}");
        yield return Ok("a test of a list", "[{'op':'test','path':'/spec/list','value':[1,2,3]}]", "/spec/list", "[1,2,3]");
        yield return Fail("a test compares numbers as written", "[{'op':'test','path':'/spec/list/0','value':1.0}]", "testing value /spec/list/0 failed: test failed");
        yield return Fail("a test of a string against a number", "[{'op':'test','path':'/spec/list/0','value':'1'}]", "testing value /spec/list/0 failed: test failed");
        yield return Ok("a test of an absent member against null passes", "[{'op':'test','path':'/metadata/labels/zz','value':null}]", "/metadata/labels", "{'a':'1'}");
        yield return Fail("a test of an absent member against a value", "[{'op':'test','path':'/metadata/labels/zz','value':'1'}]", "testing value /metadata/labels/zz failed: test failed");
        yield return Fail("a test under a missing parent", "[{'op':'test','path':'/x/y','value':'1'}]", "test operation does not apply: is missing path: /x/y: missing value");
        yield return Fail("a test without a path", "[{'op':'test','value':'1'}]", "test operation failed to decode path: operation missing path field: missing value");
        yield return Ok("~1 escapes a slash", "[{'op':'replace','path':'/metadata/annotations/x~1y','value':'9'}]", "/metadata/annotations", "{'x/y':'9','m~n':'2'}");
        yield return Ok("~0 escapes a tilde", "[{'op':'remove','path':'/metadata/annotations/m~0n'}]", "/metadata/annotations", "{'x/y':'1'}");
        yield return Fail("an unknown op", "[{'op':'bogus','path':'/a'}]", "Unexpected kind: bogus");
        yield return Fail("a missing op", "[{'path':'/a'}]", "Unexpected kind: unknown");
        yield return Fail("add without a path", "[{'op':'add','value':1}]", "add operation failed to decode path: missing value");
        yield return Ok("an index with a leading zero", "[{'op':'replace','path':'/spec/list/01','value':8}]", "/spec/list", "[1,8,3]");
        yield return Ok("an empty patch", "[]", "/metadata/labels", "{'a':'1'}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Applies(string patch, string? pointer, string? expected, string? failure)
    {
        var doc = JsonNode.Parse(StrategicMergePatchTests.J(Doc))!;
        var ops = JsonPatch.Parse(Encoding.UTF8.GetBytes(StrategicMergePatchTests.J(patch)));
        if (failure is not null)
        {
            var error = Assert.Throws<StatusException>(() => JsonPatch.Apply(doc, ops))!;
            Assert.That(error.Code, Is.EqualTo(422));
            Assert.That(error.Reason, Is.EqualTo("Invalid"));
            Assert.That(error.Message, Is.EqualTo(PatchErrors.GenericInvalid));
            Assert.That(error.Details!.Causes![0].Message, Is.EqualTo(failure));
            return;
        }

        var result = JsonPatch.Apply(doc, ops);
        var at = pointer!.Split('/').Skip(1).Aggregate((JsonNode?)result, (n, token) => n is JsonArray a ? a[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)] : n![token]);
        var want = JsonNode.Parse(StrategicMergePatchTests.J(expected!));
        Assert.That(JsonNode.DeepEquals(at, want), Is.True, $"got {at?.ToJsonString()}");
    }

    [Test]
    public void Replace_of_the_root_replaces_the_document()
    {
        var ops = JsonPatch.Parse(Encoding.UTF8.GetBytes("""[{"op":"replace","path":"","value":{"kind":"X"}}]"""));
        Assert.That(JsonPatch.Apply(JsonNode.Parse("""{"kind":"Y","a":1}""")!, ops).ToJsonString(), Is.EqualTo("""{"kind":"X"}"""));
    }

    [TestCase("nope", "error decoding patch: invalid character 'o' in literal null (expecting 'u')")]
    [TestCase("[{\"op\":\"add\"", "error decoding patch: unexpected end of JSON input")]
    [TestCase("", "error decoding patch: unexpected end of JSON input")]
    [TestCase("{}", "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp")]
    [TestCase("[1]", "error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp")]
    [TestCase("[{\"op\":1}]", "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string")]
    [TestCase("[{\"op\":\"add\",\"path\":[]}]", "error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string")]
    public void Malformed_patches_are_400(string body, string message)
    {
        var error = Assert.Throws<StatusException>(() => JsonPatch.Parse(Encoding.UTF8.GetBytes(body)))!;
        Assert.That(error.Code, Is.EqualTo(400));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    [Test]
    public void More_than_ten_thousand_operations_is_413()
    {
        var body = "[" + string.Join(",", Enumerable.Repeat("""{"op":"test","path":"/a","value":1}""", 10001)) + "]";
        var error = Assert.Throws<StatusException>(() => JsonPatch.Parse(Encoding.UTF8.GetBytes(body)))!;
        Assert.That(error.Code, Is.EqualTo(413));
        Assert.That(error.Message, Is.EqualTo("Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"));
    }

    [TestCase("{\"a\":1", "unexpected end of JSON input")]
    [TestCase("{\"a\" 1}", "invalid character '1' after object key")]
    [TestCase("{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair")]
    [TestCase("{a:1}", "invalid character 'a' looking for beginning of object key string")]
    [TestCase("{\"a\":1,}", "invalid character '}' looking for beginning of object key string")]
    [TestCase("[1,]", "invalid character ']' looking for beginning of value")]
    [TestCase("[1 2]", "invalid character '2' after array element")]
    [TestCase("{\"a\":tru}", "invalid character '}' in literal true (expecting 'e')")]
    [TestCase("{\"a\":-x}", "invalid character 'x' in numeric literal")]
    [TestCase("{\"a\":1.}", "invalid character '}' after decimal point in numeric literal")]
    [TestCase("{\"a\":1e}", "invalid character '}' in exponent of numeric literal")]
    [TestCase("{\"a\":\"\\q\"}", "invalid character 'q' in string escape code")]
    [TestCase("{\"a\":\"\\u12x4\"}", "invalid character 'x' in \\u hexadecimal character escape")]
    [TestCase("{\"a\":\"\n\"}", "invalid character '\\n' in string literal")]
    [TestCase("{} x", "invalid character 'x' after top-level value")]
    [TestCase("'a'", "invalid character '\\'' looking for beginning of value")]
    [TestCase("{\"a\":01}", "invalid character '1' after object key:value pair")]
    public void Go_syntax_errors(string body, string message) =>
        Assert.That(GoJson.SyntaxError(Encoding.UTF8.GetBytes(body)), Is.EqualTo(message));

    [TestCase("{\"a\":[1,{\"b\":true}]}")]
    [TestCase(" [ ] ")]
    [TestCase("-0.5e+3")]
    [TestCase("\"\\u00e9\"")]
    public void Go_accepts_well_formed_json(string body) => Assert.That(GoJson.SyntaxError(Encoding.UTF8.GetBytes(body)), Is.Null);

    [Test]
    public void A_deeply_nested_patch_is_refused_as_too_deep_not_by_overflowing_the_stack()
    {
        // Every patch body is scanned for Go's syntax message before it is parsed: the scan must not recurse.
        var deep = Encoding.UTF8.GetBytes(new string('[', 200_000) + new string(']', 200_000));
        Assert.That(GoJson.SyntaxError(deep), Is.Null);
        var error = Assert.Throws<StatusException>(() => PatchBody.Parse(deep, "error decoding patch: "))!;
        Assert.That(error.Code, Is.EqualTo(400));
        Assert.That(error.Message, Does.Contain("nested too deeply"));
    }

    [TestCase("{", "unexpected end of JSON input")]
    [TestCase("[1]", "json: cannot unmarshal array into Go value of type map[string]interface {}")]
    [TestCase("\"x\"", "json: cannot unmarshal string into Go value of type map[string]interface {}")]
    [TestCase("{\"a\":}", "invalid character '}' looking for beginning of value")]
    public void Strategic_merge_patch_bodies_that_are_not_objects_are_400(string body, string message)
    {
        var error = Assert.Throws<StatusException>(() => PatchBody.ParseObject(Encoding.UTF8.GetBytes(body), ""))!;
        Assert.That(error.Code, Is.EqualTo(400));
        Assert.That(error.Message, Is.EqualTo(message));
    }

    private static TestCaseData Ok(string name, string patch, string pointer, string expected) =>
        new TestCaseData(patch, pointer, expected, null).SetName("JSON patch: " + name);

    private static TestCaseData Fail(string name, string patch, string failure) =>
        new TestCaseData(patch, null, null, failure).SetName("JSON patch error: " + name);
}
