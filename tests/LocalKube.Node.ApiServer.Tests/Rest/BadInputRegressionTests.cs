using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// Inputs that once made the API server answer 500 (issue 17 and the fuzz harness), each kept as its minimal form
/// and sent over HTTPS to the real agent. Each must get upstream's answer: a 4xx Status naming the problem, or the
/// success upstream gives.
/// </summary>
[TestFixture]
public sealed class BadInputRegressionTests
{
    private ClientAgent _cluster = null!;
    private int _counter;

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await ClientAgent.StartAsync("lk-badinput");

    [OneTimeTearDown]
    public async Task StopAsync() => await _cluster.DisposeAsync();

    private string Name() => $"bad-{Interlocked.Increment(ref _counter)}";

    private async Task<(HttpStatusCode Code, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, byte[] body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await _cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.Clone(), response);
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    // Found by the third 30-minute fuzz run (seed 0x73DD3CFBC94E0482, case 3777): an unpaired surrogate escape in a
    // merge patch's key was a 500 (System.Text.Json fails when the key is read). Go's decoder reads it as U+FFFD.
    [Test]
    public async Task Unpaired_surrogate_escapes_are_read_as_the_replacement_character()
    {
        var name = Name();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes($$$"""{"metadata":{"name":"{{{name}}}"}}"""));
        var value = Bytes("""{"data":{"k":"v\uDE00","ok":"\uD83D\uDE00"}}""");
        var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}", value, "application/merge-patch+json");
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK), json.ToString());
        Assert.That(json.GetProperty("data").GetProperty("k").GetString(), Is.EqualTo("v\uFFFD"));
        Assert.That(json.GetProperty("data").GetProperty("ok").GetString(), Is.EqualTo("\U0001F600"), "a paired escape is one character");

        var key = Bytes("""{"metadata":{"annotations":{"a\uD83Db":"x"}}}""");
        (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}", key, "application/merge-patch+json");
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("a\uFFFDb"));
    }

    // Found by the 30-minute fuzz run (seed 0xCF8FF067FB1DD59A, case 3879): YamlDotNet threw InvalidOperationException.
    [Test]
    public async Task An_apply_patch_with_an_unterminated_flow_sequence_is_a_400()
    {
        var name = Name();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes($$$"""{"metadata":{"name":"{{{name}}}"}}"""));
        var patch = Bytes($"\"apiVersion\": \"v1\"\n\"kind\": [ConfigMap\"\n\"metadata\":\n  \"name\": \"{name}\"\n\"data\":\n  \"k\": \"v\"\n");
        var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}?fieldManager=fuzz", patch, "application/apply-patch+yaml");
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.StartWith("error decoding YAML"));
    }

    // Go's decoder turns each byte of invalid UTF-8 inside a string into U+FFFD instead of failing: a ConfigMap value
    // is then stored with it, and a name becomes an invalid name (422).
    [Test]
    public async Task Invalid_utf8_in_a_value_is_read_as_the_replacement_character()
    {
        var name = Name();
        var body = Bytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"},"data":{"k":"a""").Concat(new byte[] { 0xff, 0xfe }).Concat(Bytes("\"}}")).ToArray();
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        Assert.That(json.GetProperty("data").GetProperty("k").GetString(), Is.EqualTo("a\uFFFD\uFFFD"));
    }

    [Test]
    public async Task Invalid_utf8_in_a_name_is_422_naming_metadata_name()
    {
        var body = Bytes("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x""").Concat(new byte[] { 0xc3 }).Concat(Bytes("\"}}")).ToArray();
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), json.ToString());
        Assert.That(json.GetProperty("details").GetProperty("causes")[0].GetProperty("field").GetString(), Is.EqualTo("metadata.name"));
    }

    [Test]
    public async Task Invalid_utf8_in_a_key_is_an_unknown_field_not_a_500()
    {
        var name = Name();
        var body = Bytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"},"x""").Concat(new byte[] { 0x80 }).Concat(Bytes("\":1}")).ToArray();
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("unknown field \"x\uFFFD\""));
    }

    [Test]
    public async Task Invalid_utf8_in_a_patch_is_read_as_the_replacement_character()
    {
        var name = Name();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes($$$"""{"metadata":{"name":"{{{name}}}"}}"""));
        var patch = Bytes("""{"apiVersion":"v1","kind":"ConfigMap","data":{"k":"x""").Concat(new byte[] { 0xe2, 0x82 }).Concat(Bytes("\"}}")).ToArray();
        foreach (var type in new[] { "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml" })
        {
            var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}?fieldManager=fuzz", patch, type);
            Assert.That(code, Is.EqualTo(HttpStatusCode.OK), $"{type}: {json}");
            Assert.That(json.GetProperty("data").GetProperty("k").GetString(), Is.EqualTo("x\uFFFD\uFFFD"), type);
        }
    }

    // Upstream drops a warning whose text has a control character (it cannot be a header value); the write succeeds.
    [Test]
    public async Task Unknown_field_with_a_control_character_drops_the_warning()
    {
        var name = Name();
        var body = Bytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"},"a\u007fb":1,"plain":2}""");
        var (code, json, response) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        Assert.That(warnings, Is.EqualTo(new[] { "299 - \"unknown field \\\"plain\\\"\"" }));
    }

    // Go's net/http sends UTF-8 header values as they are; so does upstream's Warning for a non-ASCII field name.
    [Test]
    public async Task Unknown_field_with_non_ascii_text_keeps_the_warning()
    {
        var name = Name();
        var body = Bytes($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"},"größe":1}""");
        // The bytes on the wire. Kestrel sends the non-ASCII characters of a header value as '?' (Go would send
        // UTF-8): the warning still names the field and the write succeeds.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, _cluster.Agent.Port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [_cluster.Pki.Admin],
        });
        var head = Bytes($"POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await tls.WriteAsync(head.Concat(body).ToArray());
        using var received = new MemoryStream();
        await tls.CopyToAsync(received);
        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.That(text, Does.StartWith("HTTP/1.1 201"));
        Assert.That(text, Does.Match("\r\nWarning: 299 - \"unknown field \\\\\"gr..?.?e\\\\\"\"\r\n"));
    }

    // Found by the fuzzer: an object where an IntOrString goes (the converter throws NotSupportedException).
    [Test]
    public async Task An_object_for_an_int_or_string_is_a_400_naming_the_field()
    {
        var body = Bytes("""{"apiVersion":"v1","kind":"Service","metadata":{"name":""" + $"\"{Name()}\"" + """},"spec":{"ports":[{"port":80,"targetPort":{"a":1}}]}}""");
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/services", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.StartWith("Service in version \"v1\" cannot be handled as a Service:").And.Contain("targetPort"));
    }

    // Found by the fuzzer: a strategic merge patch whose list mixes objects and strings (upstream: an unconverted 500).
    [Test]
    public async Task A_strategic_merge_patch_upstream_cannot_merge_is_a_400()
    {
        var name = Name();
        var pod = """{"metadata":{"name":""" + $"\"{name}\"" + """},"spec":{"containers":[{"name":"app","image":"i","ports":[{"containerPort":80}]}]}}""";
        var (created, createdJson, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", Bytes(pod));
        Assert.That(created, Is.EqualTo(HttpStatusCode.Created), createdJson.ToString());
        var patch = Bytes("""{"spec":{"containers":[{"name":"app","ports":["---"]}]}}""");
        var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/pods/{name}", patch, "application/strategic-merge-patch+json");
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.StartWith("list element types are not identical"));
    }

    // Found by the fuzzer: null in a list is Go's zero value (an EnvVar with no name: 422), not a null element that
    // made defaulting throw.
    [Test]
    public async Task Null_list_elements_are_zero_values_and_a_422()
    {
        var body = Bytes("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":""" + $"\"{Name()}\"" + """},"spec":{"containers":[{"name":"c","image":"i","env":[null]}],"tolerations":[null]}}""");
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), json.ToString());
        Assert.That(json.GetProperty("details").GetProperty("causes").EnumerateArray().Select(c => c.GetProperty("field").GetString()),
            Has.Some.StartsWith("spec.containers[0].env[0]"));
    }

    // Found by the fuzzer: a repeated key inside a patch (System.Text.Json's tree throws on it; Go keeps the last).
    [TestCase("application/json-patch+json", """[{"op":"add","path":"/data/x","path":"/data/a","value":"1"}]""")]
    [TestCase("application/merge-patch+json", """{"data":{"a":"0","a":"1"}}""")]
    [TestCase("application/strategic-merge-patch+json", """{"data":{"a":"0"},"data":{"a":"1"}}""")]
    public async Task Repeated_keys_in_a_patch_keep_the_last_as_Go_does(string type, string patch)
    {
        var name = Name();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes("""{"metadata":{"name":""" + $"\"{name}\"" + """},"data":{}}"""));
        var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}", Bytes(patch), type);
        Assert.That(code, Is.EqualTo(HttpStatusCode.OK), json.ToString());
        Assert.That(json.GetProperty("data").GetProperty("a").GetString(), Is.EqualTo("1"));
    }

    // Found by the fuzzer: a patch with an Accept the server cannot serve was applied, then answered 406.
    [TestCase("application/merge-patch+json")]
    [TestCase("application/apply-patch+yaml")]
    public async Task A_patch_with_an_unservable_Accept_is_406_and_changes_nothing(string type)
    {
        var name = Name();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes("""{"metadata":{"name":""" + $"\"{name}\"" + "}}"));
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/v1/namespaces/default/configmaps/{name}?fieldManager=fuzz", UriKind.Relative))
        {
            Content = new ByteArrayContent(Bytes("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}""")),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=");
        using var response = await _cluster.Http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable), await response.Content.ReadAsStringAsync());
        using var get = await _cluster.Http.GetAsync(new Uri($"/api/v1/namespaces/default/configmaps/{name}", UriKind.Relative));
        Assert.That(await get.Content.ReadAsStringAsync(), Does.Not.Contain("\"data\""));
    }

    // Upstream caps warnings at 4,096 runes in all; past that each is cut to 256 runes.
    [Test]
    public async Task Many_long_warnings_are_truncated_as_upstream()
    {
        var name = Name();
        var fields = string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"{new string('u', 300)}{i}\":1"));
        var (code, json, response) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", Bytes($$"""{"metadata":{"name":"{{name}}"},{{fields}}}"""));
        Assert.That(code, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        var warnings = response.Headers.GetValues("Warning").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Count.EqualTo(16));
            Assert.That(warnings, Has.All.Length.EqualTo("299 - \"\"".Length + 256 + 1));
        });
    }

    // Go's Quantity decoder refuses a bad suffix while decoding: 400 "cannot be handled as a Pod".
    [TestCase("1x", "quantities must match the regular expression")]
    [TestCase("1ki", "unable to parse quantity's suffix")]
    [TestCase("--1", "unable to parse quantity's suffix")]
    public async Task Bad_quantity_is_a_400_worded_as_Go_decoder(string quantity, string message)
    {
        var body = Bytes("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":""" + $"\"{Name()}\"" + """},"spec":{"containers":[{"name":"c","image":"i","""
            + """ "resources":{"limits":{"cpu":""" + $"\"{quantity}\"" + "}}}]}}");
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.BadRequest), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.StartWith("Pod in version \"v1\" cannot be handled as a Pod: " + message));
    }

    [Test]
    public async Task Bad_quantity_in_a_patch_is_a_4xx()
    {
        var name = Name();
        var create = Bytes($$"""{"metadata":{"name":"{{name}}"},"spec":{"hard":{"pods":"1"}""" + "}}");
        var (created, createdJson, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/resourcequotas", create);
        Assert.That(created, Is.EqualTo(HttpStatusCode.Created), createdJson.ToString());
        foreach (var type in new[] { "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml" })
        {
            var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/resourcequotas/{name}?fieldManager=fuzz", Bytes("""{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"pods":"1ki"}}}"""), type);
            Assert.That((int)code, Is.InRange(400, 499), $"{type}: {json}");
            Assert.That(json.GetProperty("message").GetString(), Does.Contain("quantities must match the regular expression").Or.Contain("unable to parse quantity's suffix"), type);
        }
    }

    // Beyond decimal's range (7.9e28) KubernetesClient's ToDecimal overflows; Go compares such quantities exactly.
    // The error names the value in Go's canonical text (exponent a multiple of 3). KubernetesClient's ToString never
    // returned for a negative decimal exponent, so this request once hung.
    [Test]
    public async Task Quantities_beyond_decimal_range_are_validated_not_a_500()
    {
        var negative = Bytes("{\"metadata\":{\"name\":\"" + Name() + "\"},\"spec\":{\"hard\":{\"pods\":\"-1e40\"}}}");
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/resourcequotas", negative);
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("spec.hard[pods]: Invalid value: \"-10e39\": must be greater than or equal to 0"));

        var huge = Bytes("{\"metadata\":{\"name\":\"" + Name() + "\"},\"spec\":{\"hard\":{\"pods\":\"1e40\"}}}");
        (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/resourcequotas", huge);
        Assert.That(code, Is.EqualTo(HttpStatusCode.Created), json.ToString());

        var pod = Bytes("{\"metadata\":{\"name\":\"" + Name() + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"2e40\"},\"limits\":{\"cpu\":\"1e40\"}}}]}}");
        (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods", pod);
        Assert.That(code, Is.EqualTo(HttpStatusCode.UnprocessableEntity), json.ToString());
        Assert.That(json.GetProperty("message").GetString(), Does.Contain("spec.containers[0].resources.requests[cpu]: Invalid value: \"20e39\": must be less than or equal to cpu limit of 10e39"));
    }

    // The 30-minute fuzz run's find: KubernetesClient's ToString overflowed on a 250-digit integer (a 500 on write).
    [Test]
    public async Task A_quantity_of_250_digits_is_stored_and_written_back_whole()
    {
        var digits = new string('9', 250);
        var body = Bytes("{\"metadata\":{\"name\":\"" + Name() + "\"},\"spec\":{\"hard\":{\"pods\":\"" + digits + "\",\"services\":\"" + digits + "000\"}}}");
        var (code, json, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/resourcequotas", body);
        Assert.That(code, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        var hard = json.GetProperty("spec").GetProperty("hard");
        Assert.That(hard.GetProperty("pods").GetString(), Is.EqualTo(digits));
        Assert.That(hard.GetProperty("services").GetString(), Is.EqualTo(digits + "k"));
    }

    // YamlDotNet refuses a key repeated in one mapping with an ArgumentException, which escaped as a 500.
    [Test]
    public async Task An_apply_body_with_a_repeated_yaml_key_is_a_400()
    {
        var name = Name();
        var body = Bytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  a: \"1\"\n  a: \"2\"\n");
        var (code, json, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/default/configmaps/{name}?fieldManager=fuzz", body, "application/apply-patch+yaml");
        Assert.That((int)code, Is.InRange(400, 499), json.ToString());
        Assert.That((string?)json.GetProperty("kind").GetString(), Is.EqualTo("Status"));
    }
}
