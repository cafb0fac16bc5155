using System.Text;

namespace LocalKube.IntegrationTests;

/// <summary>Bad input: each case with the message kubectl prints against upstream's API server.</summary>
public sealed partial class KubectlScenarioTests
{
    [Test]
    public async Task BadInput_GivesUpstreamMessages()
    {
        var duplicate = await CreateConfigMapAsync("twice");
        Assert.That(duplicate, Does.Contain("created"));
        Assert.That(await CreateConfigMapAsync("twice"), Does.Contain("Error from server (AlreadyExists): error when creating").And.Contain("configmaps \"twice\" already exists"));
        Assert.That(await CreateConfigMapAsync("Bad_Name"), Does.Contain("is invalid").And.Contain("metadata.name"));
        Assert.That(await CreateConfigMapAsync("lost", "no-such-namespace"), Does.Contain("namespaces \"no-such-namespace\" not found"));
        var selector = await _env.KubectlAsync("get", "cm", "-l", "a in (b");
        Assert.That(selector.StandardError, Is.EqualTo(
            "Error from server (BadRequest): Unable to find \"/v1, Resource=configmaps\" that match label selector \"a in (b\", field selector \"\": found '', expected: ',' or ')'\n"));
        var field = await _env.KubectlAsync("get", "cm", "--field-selector", "foo=bar");
        Assert.That(field.StandardError, Does.EndWith("field selector \"foo=bar\": field label not supported: foo\n"));
        var kind = await _env.KubectlAsync("get", "nosuchkinds");
        Assert.That(kind.StandardError, Does.Contain("the server doesn't have a resource type \"nosuchkinds\""));
        var widget = await CreateAsync("widget.yaml", "apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n");
        Assert.That(widget, Does.Contain("no matches for kind \"Widget\" in version \"v1\""));
    }

    [Test]
    public async Task MalformedYamlAndJson_AreRefused()
    {
        // kubectl parses files itself: these never reach the server, but must not create anything either.
        var yaml = await CreateAsync("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  labels: [a\ndata: {a: b}\n");
        Assert.That(yaml, Does.Contain("error parsing").And.Contain("error converting YAML to JSON: yaml: line 5: did not find expected ',' or ']'"));
        var json = await CreateAsync("broken.json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"broken\"},");
        Assert.That(json, Does.Contain("error parsing").And.Contain("broken.json"));
        Assert.That((await _env.KubectlAsync("get", "cm", "broken")).StandardError, Does.Contain("configmaps \"broken\" not found"));

        // --raw sends the bytes as they are, so the server's own parser answers.
        var raw = Path.Combine(_env.Home, "raw.json");
        await File.WriteAllTextAsync(raw, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",");
        var server = await _env.KubectlAsync("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", raw);
        Assert.That(server.StandardError, Is.EqualTo("Error from server (BadRequest): couldn't get version/kind; json parse error: unexpected end of JSON input\n"));
        await File.WriteAllTextAsync(raw, "{\"apiVersion\":\"v1\" \"kind\":\"ConfigMap\"}");
        server = await _env.KubectlAsync("create", "--raw", "/api/v1/namespaces/default/configmaps", "-f", raw);
        Assert.That(server.StandardError, Is.EqualTo(
            "Error from server (BadRequest): couldn't get version/kind; json parse error: invalid character '\"' after object key:value pair\n"));
    }

    [Test]
    public async Task WrongFieldTypes_AreWordedAsGoDecoderErrors()
    {
        var replicas = await CreateAsync("two.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: two\nspec:\n  replicas: \"two\"\n  selector: {matchLabels: {a: b}}\n"
            + "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: nginx}]\n");
        Assert.That(replicas, Does.Contain(
            "Error from server (BadRequest): error when creating \"" + Path.Combine(_env.Home, "two.yaml") + "\": Deployment in version \"v1\" cannot be handled as a Deployment: "
            + "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"));

        var data = await CreateAsync("listdata.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: listdata\ndata: [a, b]\n");
        Assert.That(data, Does.Contain(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string"));

        var command = await CreateAsync("command.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: command\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sleep, 3600]\n");
        Assert.That(command, Does.Contain(
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.command of type string"));
    }

    [Test]
    public async Task StaleReplace_IsAConflict()
    {
        Assert.That(await CreateConfigMapAsync("stale"), Does.Contain("created"));
        var stale = Path.Combine(_env.Home, "stale-copy.yaml");
        await File.WriteAllTextAsync(stale, (await _env.KubectlAsync("get", "cm", "stale", "-o", "yaml")).StandardOutput.Replace("k: v", "k: changed", StringComparison.Ordinal));
        Assert.That((await _env.KubectlAsync("label", "cm", "stale", "moved=on")).ExitCode, Is.Zero);

        var replace = await _env.KubectlAsync("replace", "--validate=false", "-f", stale);
        Assert.That(replace.ExitCode, Is.Not.Zero);
        Assert.That(replace.StandardError, Is.EqualTo(
            $"Error from server (Conflict): error when replacing \"{stale}\": Operation cannot be fulfilled on configmaps \"stale\": "
            + "the object has been modified; please apply your changes to the latest version and try again\n"));
        Assert.That((await _env.KubectlAsync("get", "cm", "stale", "-o", "jsonpath={.data.k}")).StandardOutput, Is.EqualTo("v"));
    }

    [Test]
    public async Task OversizedObjects_AreRefused()
    {
        // Over the 1 MiB a ConfigMap may hold but under the 3 MiB request limit: validation refuses it.
        var big = await CreateAsync("big.json", ConfigMapJson("big", 2 * 1024 * 1024));
        Assert.That(big, Does.Contain("The ConfigMap \"big\" is invalid: ").And.Contain("Too long: may not be more than 1048576 bytes"));

        // Over the 3 MiB request limit: the server stops reading.
        var huge = await CreateAsync("huge.json", ConfigMapJson("huge", 4 * 1024 * 1024));
        Assert.That(huge, Does.Contain("Error from server (RequestEntityTooLarge): error when creating").And.Contain("Request entity too large: limit is 3145728"));
        Assert.That((await _env.KubectlAsync("get", "cm", "big", "huge", "--ignore-not-found", "-o", "name")).StandardOutput, Is.Empty);
    }

    [Test]
    public async Task DeeplyNestedJson_IsRefusedCleanly()
    {
        const int depth = 5000;
        var nested = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\"},\"extra\":");
        nested.Append('[', depth).Append(']', depth).Append('}');
        var deep = await CreateAsync("deep.json", nested.ToString());
        Assert.That(deep, Does.Contain("Error from server (BadRequest): error when creating").And.Contain("the request body is nested too deeply"));

        // The server is still answering.
        Assert.That((await _env.KubectlAsync("get", "ns", "default", "-o", "name")).StandardOutput.Trim(), Is.EqualTo("namespace/default"));
    }

    private static string ConfigMapJson(string name, int size) =>
        $"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"data\":{{\"a\":\"{new string('x', size)}\"}}}}";
}
